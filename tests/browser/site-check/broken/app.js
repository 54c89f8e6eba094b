// Fails as a broken page script would: a console error and an uncaught exception.
console.error("app.js: could not find the search index");
document.querySelector("#no-such-element").textContent = "never";
