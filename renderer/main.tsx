import { createRoot } from 'react-dom/client';
import { createClient, defaultTransport } from './api/client';

const client = createClient(defaultTransport());
function App() {
  return <h1>FCN Studio</h1>;
}
createRoot(document.getElementById('root')!).render(<App />);
void client.invoke('app:info', {}).then((info) => console.log(info));
