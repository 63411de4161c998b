import { useProjectSession } from './hooks/useProjectSession';
import { ProjectScreen } from './screens/ProjectScreen';
import { WelcomeScreen } from './screens/WelcomeScreen';

export function App() {
  const session = useProjectSession();
  if (session.project === undefined) return <div className="loading">Connecting to FCN Studio…</div>;
  if (session.project === null) return <WelcomeScreen session={session} />;
  return (
    <ProjectScreen
      key={session.project.path}
      project={session.project}
      onClose={session.close}
    />
  );
}
