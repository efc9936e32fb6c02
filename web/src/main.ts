import { mount } from 'svelte';
import App from './App.svelte';
import './app.css';

// The page's language follows the browser's, as its words do (screen readers pronounce by it).
document.documentElement.lang = /^zh\b/i.test(navigator.language) ? 'zh-CN' : 'en';

mount(App, { target: document.getElementById('app')! });
