// Vite's `?inline` suffix imports a file's text (used for uPlot's stylesheet, which must be
// placed inside the panel's shadow root rather than in the page).
declare module '*?inline' {
  const text: string;
  export default text;
}
