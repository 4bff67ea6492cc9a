/** The job a command is working on, so that an interruption can say how to resume it. */
export const currentJob: { id?: string } = {};
