import type { DeviceKind } from '@teleplay/contracts';
import { createKysely, migrate } from '@teleplay/postgres';
import { type Kysely, sql } from 'kysely';
import type { Migration } from 'kysely/migration';
import type pg from 'pg';
import type { SignOutReason } from './auth.ports.ts';

// Auth state is operational, not history: it lives in plain tables, not in the event store. The account
// history gets DeviceSignedIn/DeviceSignedOut through the DeviceSessions port.

/** `pending` until the bot confirms, `approved` until the device collects its tokens, then `consumed`. */
export type LoginCodeStatus = 'pending' | 'approved' | 'consumed' | 'expired' | 'locked';

export interface LoginCodesTable {
  id: string;
  code: string;
  secret_hash: Buffer;
  status: LoginCodeStatus;
  device_name: string;
  device_kind: DeviceKind;
  client_address: string;
  user_id: string | null;
  first_name: string | null;
  failed_attempts: number;
  created_at: Date;
  expires_at: Date;
  approved_at: Date | null;
  consumed_at: Date | null;
}

/** One signed-in device: also the refresh-token family. */
export interface SessionsTable {
  id: string;
  user_id: string;
  device_id: string;
  device_name: string;
  device_kind: DeviceKind;
  first_name: string;
  created_at: Date;
  revoked_at: Date | null;
  revoked_reason: SignOutReason | null;
  /** Revoked, but DeviceSignedOut not recorded yet (the account history was unavailable). */
  sign_out_pending: boolean;
}

export interface RefreshTokensTable {
  id: string;
  family_id: string;
  user_id: string;
  device_id: string;
  token_hash: Buffer;
  created_at: Date;
  expires_at: Date;
  used_at: Date | null;
  revoked_at: Date | null;
}

export interface WebLoginLinksTable {
  token_hash: Buffer;
  user_id: string;
  first_name: string;
  created_at: Date;
  expires_at: Date;
  used_at: Date | null;
}

/** Failed attempts per scope and key (a client address, a Telegram user) in a fixed window. */
export interface AttemptsTable {
  scope: string;
  key: string;
  window_started_at: Date;
  failures: number;
}

export interface AuthTables {
  auth_login_codes: LoginCodesTable;
  auth_sessions: SessionsTable;
  auth_refresh_tokens: RefreshTokensTable;
  auth_web_login_links: WebLoginLinksTable;
  auth_attempts: AttemptsTable;
}

export const authMigrations: Record<string, Migration> = {
  '0001-auth': {
    async up(db: Kysely<unknown>) {
      await sql`
        create table auth_login_codes (
          id uuid primary key,
          code text not null check (code ~ '^[0-9]{6}$'),
          secret_hash bytea not null unique,
          status text not null check (status in ('pending', 'approved', 'consumed', 'expired', 'locked')),
          device_name text not null,
          device_kind text not null,
          client_address text not null,
          user_id text,
          first_name text,
          failed_attempts integer not null default 0,
          created_at timestamptz not null,
          expires_at timestamptz not null,
          approved_at timestamptz,
          consumed_at timestamptz
        )`.execute(db);
      // What the user types must name one waiting device: codes are unique among pending ones.
      await sql`create unique index auth_login_codes_pending_code on auth_login_codes (code)
        where status = 'pending'`.execute(db);
      await sql`create index auth_login_codes_by_code on auth_login_codes (code, created_at desc)`.execute(
        db,
      );
      await sql`create index auth_login_codes_by_expiry on auth_login_codes (expires_at)`.execute(db);

      await sql`
        create table auth_sessions (
          id uuid primary key,
          user_id text not null,
          device_id text not null unique,
          device_name text not null,
          device_kind text not null,
          first_name text not null,
          created_at timestamptz not null,
          revoked_at timestamptz,
          revoked_reason text check (revoked_reason in ('logout', 'revoked', 'token_reuse')),
          sign_out_pending boolean not null default false
        )`.execute(db);
      await sql`create index auth_sessions_by_user on auth_sessions (user_id)`.execute(db);
      await sql`create index auth_sessions_sign_out_pending on auth_sessions (id) where sign_out_pending`.execute(
        db,
      );

      await sql`
        create table auth_refresh_tokens (
          id uuid primary key,
          family_id uuid not null references auth_sessions (id) on delete cascade,
          user_id text not null,
          device_id text not null,
          token_hash bytea not null unique,
          created_at timestamptz not null,
          expires_at timestamptz not null,
          used_at timestamptz,
          revoked_at timestamptz
        )`.execute(db);
      await sql`create index auth_refresh_tokens_by_family on auth_refresh_tokens (family_id)`.execute(db);
      await sql`create index auth_refresh_tokens_by_expiry on auth_refresh_tokens (expires_at)`.execute(db);

      await sql`
        create table auth_web_login_links (
          token_hash bytea primary key,
          user_id text not null,
          first_name text not null,
          created_at timestamptz not null,
          expires_at timestamptz not null,
          used_at timestamptz
        )`.execute(db);
      await sql`create index auth_web_login_links_by_expiry on auth_web_login_links (expires_at)`.execute(db);

      await sql`
        create table auth_attempts (
          scope text not null,
          key text not null,
          window_started_at timestamptz not null,
          failures integer not null,
          primary key (scope, key)
        )`.execute(db);
    },
  },
};

/** Creates the auth tables when they are missing. */
export async function migrateAuth(pool: pg.Pool): Promise<void> {
  await migrate(createKysely<unknown>(pool), 'auth', authMigrations);
}
