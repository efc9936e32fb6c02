// The gallery's Svelte options: the defaults (TypeScript in components needs no preprocessor in Svelte 5).
export default {};
