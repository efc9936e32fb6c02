/** The gallery's words in English and Chinese, following the browser's language (as the API's messages do). */
const en = {
  appName: 'albumd',
  signIn: 'Sign in',
  signingIn: 'Signing in…',
  phone: 'Phone number',
  password: 'Password',
  signOut: 'Sign out',
  albums: 'Albums',
  library: 'Library',
  families: 'Families',
  sections: 'Sections',
  personal: 'Personal',
  family: 'Family',
  collection: 'Collection',
  manual: 'Album',
  items: (n: number) => (n === 1 ? '1 item' : `${n} items`),
  noAlbums: 'No albums yet.',
  emptyAlbum: 'This album is empty.',
  loading: 'Loading…',
  sortBy: 'Sort by',
  order: 'Order',
  sortTaken: 'Shooting time',
  sortAdded: 'Date added',
  sortCreated: 'Creation time',
  sortEdited: 'Update time',
  newestFirst: 'Newest first',
  oldestFirst: 'Oldest first',
  back: 'Back to albums',
  close: 'Close',
  previous: 'Previous',
  next: 'Next',
  download: 'Download original',
  taken: 'Taken',
  size: 'Size',
  dimensions: 'Dimensions',
  untitled: 'Untitled collection',
  sessionEnded: 'Your session has ended. Please sign in again.',
  failed: 'Something went wrong',
  retry: 'Try again',
};

type Words = typeof en;

const zh: Words = {
  appName: 'albumd',
  signIn: '登录',
  signingIn: '正在登录…',
  phone: '手机号码',
  password: '密码',
  signOut: '退出登录',
  albums: '相册',
  library: '图库',
  families: '家庭',
  sections: '栏目',
  personal: '个人',
  family: '家庭',
  collection: '智能相册',
  manual: '相册',
  items: (n: number) => `${n} 项`,
  noAlbums: '还没有相册。',
  emptyAlbum: '此相册为空。',
  loading: '加载中…',
  sortBy: '排序',
  order: '顺序',
  sortTaken: '拍摄时间',
  sortAdded: '添加时间',
  sortCreated: '创建时间',
  sortEdited: '更新时间',
  newestFirst: '最新在前',
  oldestFirst: '最早在前',
  back: '返回相册',
  close: '关闭',
  previous: '上一张',
  next: '下一张',
  download: '下载原图',
  taken: '拍摄于',
  size: '大小',
  dimensions: '尺寸',
  untitled: '未命名智能相册',
  sessionEnded: '会话已结束，请重新登录。',
  failed: '出错了',
  retry: '重试',
};

export const language = typeof navigator === 'undefined' ? 'en' : navigator.language;
const chinese = /^zh\b/i.test(language);

/** A view's own words: each feature keeps its English and Chinese side by side in lib/words/. */
export function words<T>(english: T, chinese_: T): T {
  return chinese ? chinese_ : english;
}

export const t: Words = words(en, zh);

const UNITS = ['B', 'KB', 'MB', 'GB', 'TB'];

export function bytes(n: number): string {
  let i = 0;
  let v = n;
  while (v >= 1024 && i < UNITS.length - 1) {
    v /= 1024;
    i += 1;
  }
  return `${i === 0 ? v : v.toFixed(v < 10 ? 1 : 0)} ${UNITS[i]}`;
}

export function when(iso: string): string {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? '' : d.toLocaleString(language);
}

/** A signed thumbnail URL at another size: the size is not part of the signature (any size of the same file). */
export function sized(url: string | undefined, size: 's' | 'm' | 'l'): string {
  return url ? url.replace(/([?&])size=[sml]/, `$1size=${size}`) : '';
}
