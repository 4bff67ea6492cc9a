/** openapi-typescript output (with the "generated, do not edit" header) for the spec at `url`. */
export declare function generate(url?: URL): Promise<string>;
