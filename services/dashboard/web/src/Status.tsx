import { ApiError } from './api.ts';
import { texts } from './texts.ts';

/** The loading line, or an error said plainly with a way to try again. */
export function Status(props: { error?: Error | undefined; onRetry?: () => void }) {
  if (!props.error)
    return (
      <p className="muted" role="status">
        {texts.loading}
      </p>
    );
  const e = props.error;
  const message =
    e instanceof ApiError
      ? e.status === 401
        ? texts.errors.unauthenticated
        : e.status === 403
          ? texts.errors.forbidden
          : e.status === 0
            ? texts.errors.network
            : texts.errors.generic(e.message)
      : texts.errors.network;
  return (
    <div className="error" role="alert">
      <p>{message}</p>
      {e instanceof ApiError && e.status === 401 ? (
        <a href="/auth/login">{texts.signIn.button}</a>
      ) : props.onRetry ? (
        <button type="button" onClick={props.onRetry}>
          {texts.retry}
        </button>
      ) : null}
    </div>
  );
}
