import { useState, type FormEvent } from 'react';
import type { ProjectStatus } from '../../shared/domain/images';
import { useClient } from '../hooks/ClientContext';
import { errorMessage } from '../state/errorMessage';
import { InlineError } from './InlineError';

/** Seeded random split of the images (or of the labeled ones, stratified by class); fractions are entered as percentages. */
export function AutoSplitForm({ onDone }: { onDone(splits: ProjectStatus['splits']): void }) {
  const client = useClient();
  const [seed, setSeed] = useState('42');
  const [train, setTrain] = useState('70');
  const [val, setVal] = useState('20');
  const [test, setTest] = useState('10');
  const [onlyUnassigned, setOnlyUnassigned] = useState(true);
  const [labeledOnly, setLabeledOnly] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const total = Number(train) + Number(val) + Number(test);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    try {
      const splits = await client.invoke('images:autoSplit', {
        seed: Math.trunc(Number(seed)),
        train: Number(train) / 100,
        val: Number(val) / 100,
        test: Number(test) / 100,
        onlyUnassigned,
        labeledOnly,
      });
      setError(null);
      onDone(splits);
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };

  const percent = (label: string, value: string, set: (v: string) => void, testId: string) => (
    <label className="field-inline">
      {label}
      <input className="input input-num" type="number" min={0} max={100} step={1} value={value} onChange={(e) => set(e.target.value)} data-testid={testId} />%
    </label>
  );

  return (
    <form className="auto-split" onSubmit={submit} data-testid="auto-split-form">
      <label className="field-inline">
        Seed
        <input className="input input-num" type="number" step={1} value={seed} onChange={(e) => setSeed(e.target.value)} data-testid="auto-split-seed" />
      </label>
      {percent('Train', train, setTrain, 'auto-split-train')}
      {percent('Val', val, setVal, 'auto-split-val')}
      {percent('Test', test, setTest, 'auto-split-test')}
      <span className={Math.abs(total - 100) < 1e-6 ? 'muted' : 'warn-text'}>= {Number.isFinite(total) ? total : '?'}%</span>
      <label className="check">
        <input type="checkbox" checked={onlyUnassigned} onChange={(e) => setOnlyUnassigned(e.target.checked)} />
        Only unassigned images
      </label>
      <label className="check" title="Unlabeled images stay where they are; labeled ones are split so that each split holds every class in proportion">
        <input type="checkbox" checked={labeledOnly} onChange={(e) => setLabeledOnly(e.target.checked)} data-testid="auto-split-labeled-only" />
        Only labeled images (stratified by class)
      </label>
      <button className="btn btn-primary" type="submit" disabled={busy} data-testid="auto-split-apply">
        Apply split
      </button>
      <InlineError message={error} />
    </form>
  );
}
