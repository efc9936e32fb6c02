import type { Generated } from 'kysely';

/** Table row types. Times are epoch milliseconds; booleans are 0/1 integers (portable). */

export interface UsersTable {
  id: string;
  phone: string;
  password_hash: string;
  name: string;
  container_id: string;
  album_count: Generated<number>;
  created_at: number;
  /** 0 enabled, 7 disabled (`UserStatus` in domain/auth/credentials.ts): a disabled user's tokens and logins are refused. */
  status: Generated<number>;
}

export interface ContainersTable {
  id: string;
  kind: 'personal' | 'family';
  owner_id: string;
  root_folder_id: string;
  status: Generated<number>;
  created_at: number;
  used_bytes: Generated<number>;
}

export interface FilesTable {
  id: string;
  container_id: string;
  parent_id: string | null;
  name: string;
  file_type: string;
  mime_type: string;
  size: Generated<number>;
  owner_id: string;
  description: string | null;
  created_time: number;
  edited_time: number;
  recycled: Generated<number>;
  sha256: string | null;
  take_time: number | null;
  /** The shooting time read from the content; null when the bytes carry none. */
  media_time: number | null;
  width: number | null;
  height: number | null;
  duration: number | null;
  media_error: string | null;
  recycled_at: number | null;
  recycled_with: string | null;
}

export interface BlobsTable {
  sha256: string;
  size: number;
  ref_count: number;
  unreferenced_since: number | null;
  created_at: number;
}

export interface TokensTable {
  hash: string;
  kind: 'access' | 'refresh';
  user_id: string;
  session_id: string;
  pair_id: string;
  expires_at: number;
  used: Generated<number>;
  revoked: Generated<number>;
  created_at: number;
}

export interface FamiliesTable {
  group_id: string;
  share_folder_id: string;
  owner_id: string;
  container_id: string;
  root_folder_id: string;
  name: string;
  album_count: Generated<number>;
  max_member: Generated<number>;
  created_at: number;
}

export interface InvitationsTable {
  id: string;
  group_id: string;
  /** The invited number, normalised (digits only). */
  mobile: string;
  inviter_id: string;
  /** 0 pending, 1 accepted, 2 declined; expiry is read from expires_at. */
  status: number;
  created_at: number;
  expires_at: number;
}

export interface FamilyMembersTable {
  group_id: string;
  user_id: string;
  joined_at: number;
}

export interface AlbumsTable {
  id: string;
  /** The user (personal album) or the family group (shared album) the album counts against. */
  owner_id: string;
  creator_id: string;
  album_type: number;
  album_kind: number;
  name: string | null;
  scope_parent_folder_id: string | null;
  scope_kind: string | null;
  container_id: string;
  group_id: string | null;
  share_folder_id: string | null;
  item_count: Generated<number>;
  member_count: Generated<number>;
  cover_file_id: string | null;
  create_time: number;
  update_time: number;
}

export interface AlbumScopeDirsTable {
  album_id: string;
  folder_id: string;
  position: number;
}

export interface WorkerLeasesTable {
  worker_id: number;
  holder: string;
  expires_at: number;
}

export interface JobsTable {
  id: string;
  user_id: string;
  container_id: string;
  task_type: number;
  action_type: number | null;
  status: number;
  file_count: number;
  created_at: number;
  finished_at: number | null;
}

export interface UploadsTable {
  id: string;
  file_id: string;
  user_id: string;
  container_id: string;
  share_folder_id: string | null;
  parent_id: string;
  file_name: string;
  rename_mode: number | null;
  sha256: string | null;
  length: number;
  part_size: number;
  created_time: number | null;
  description: string | null;
  expires_at: number;
  created_at: number;
  /** When a `files/complete` claimed it; parts no longer change from then on. */
  completing_at: number | null;
}

export interface UploadPartsTable {
  upload_id: string;
  part_number: number;
  size: number;
  sha256: string;
  path: string;
}

export interface AlbumItemsTable {
  album_id: string;
  file_id: string;
  add_time: number;
  take_time: number;
  edited_time: number;
  file_type: string;
  visible: number;
}

export interface DB {
  users: UsersTable;
  containers: ContainersTable;
  files: FilesTable;
  blobs: BlobsTable;
  tokens: TokensTable;
  families: FamiliesTable;
  family_members: FamilyMembersTable;
  invitations: InvitationsTable;
  albums: AlbumsTable;
  album_scope_dirs: AlbumScopeDirsTable;
  worker_leases: WorkerLeasesTable;
  jobs: JobsTable;
  uploads: UploadsTable;
  upload_parts: UploadPartsTable;
  album_items: AlbumItemsTable;
}
