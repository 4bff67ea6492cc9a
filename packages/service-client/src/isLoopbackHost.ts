const LOOPBACK_HOSTS = /^(localhost|127(\.\d{1,3}){3}|\[::1\])$/;

/** `localhost`, 127.x.x.x or [::1]: the only hosts plain http may reach (a key sent in clear stays on the machine). */
export function isLoopbackHost(hostname: string): boolean {
  return LOOPBACK_HOSTS.test(hostname);
}
