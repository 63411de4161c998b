export function InlineError({ message }: { message: string | null }) {
  if (!message) return null;
  return (
    <p className="inline-error" role="alert" data-testid="inline-error">
      {message}
    </p>
  );
}
