import { useState, type FormEvent } from 'react';
import { errorMessage } from '../state/errorMessage';
import { InlineError } from './InlineError';

interface Props {
  suggestedColor: string;
  onAdd(name: string, color: string): Promise<unknown>;
}

export function AddClassForm({ suggestedColor, onAdd }: Props) {
  const [name, setName] = useState('');
  const [color, setColor] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    try {
      await onAdd(name, color ?? suggestedColor);
      setName('');
      setColor(null);
      setError(null);
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <form className="add-class" onSubmit={submit} data-testid="add-class-form">
      <input
        type="color"
        className="swatch-input"
        value={color ?? suggestedColor}
        onChange={(e) => setColor(e.target.value)}
        aria-label="New class colour"
        data-testid="add-class-color"
      />
      <input
        className="input"
        placeholder="New class name"
        value={name}
        onChange={(e) => {
          setName(e.target.value);
          setError(null);
        }}
        aria-label="New class name"
        data-testid="add-class-name"
      />
      <button className="btn btn-primary" type="submit" disabled={busy || !name.trim()} data-testid="add-class-submit">
        Add
      </button>
      <InlineError message={error} />
    </form>
  );
}
