import { mount } from 'svelte';
import Embed from './Embed.svelte';
import '../app/app.css';

export default mount(Embed, { target: document.getElementById('app')! });
