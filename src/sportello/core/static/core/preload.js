// Loaded before the Bootstrap Italia bundle: keep its video player from injecting inline styles,
// which our Content-Security-Policy forbids.
window.VIDEOJS_NO_DYNAMIC_STYLE = true;
