import { createRoot } from 'react-dom/client';
import { createClient, defaultTransport } from './api/client';
import { App } from './App';
import { ClientContext } from './hooks/ClientContext';
import './styles.css';

const client = createClient(defaultTransport());

createRoot(document.getElementById('root')!).render(
  <ClientContext.Provider value={client}>
    <App />
  </ClientContext.Provider>,
);
