export type Role = 'admin' | 'supervisor' | 'agent';
export const ROLES: readonly Role[] = ['agent', 'supervisor', 'admin'];

export interface ApiKeyRecord {
  id: string;
  name: string;
  role: Role;
  prefix: string;
  createdAt: number;
  lastUsedAt: number | null;
  revokedAt: number | null;
  /** The agent an agent-role key acts for (its own login, pause, wrap-up); null: none. */
  agentId: string | null;
}

export interface ApiKeyStore {
  insert(key: ApiKeyRecord & { hash: string }): void;
  findByHash(hash: string): ApiKeyRecord | undefined;
  touch(id: string, at: number): void;
  list(): ApiKeyRecord[];
  revoke(id: string, at: number): boolean;
  count(): number;
}
