/** A named dependency check for `GET /health/ready`; resolves true when the dependency answers. */
export interface ReadinessProbe {
  name: string;
  check: () => Promise<boolean>;
}

/** Resolves false instead of hanging when a check takes longer than `timeoutMs` or throws. */
export async function withDeadline(check: () => Promise<boolean>, timeoutMs: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), timeoutMs);
  });
  try {
    return await Promise.race([check().catch(() => false), timeout]);
  } finally {
    clearTimeout(timer);
  }
}
