// Small page-wide helpers that Blazor components call through JS interop.
window.c360 = (function () {
    let searchHandler = null;
    return {
        // "/" focuses the customer search, unless the user is typing somewhere already.
        registerSearchShortcut(dotnet) {
            window.c360.unregisterSearchShortcut();
            searchHandler = (e) => {
                const tag = (e.target && e.target.tagName) || "";
                if (e.key === "/" && !["INPUT", "TEXTAREA", "SELECT"].includes(tag) && !e.target.isContentEditable) {
                    e.preventDefault();
                    dotnet.invokeMethodAsync("FocusSearch");
                }
            };
            document.addEventListener("keydown", searchHandler);
        },
        unregisterSearchShortcut() {
            if (searchHandler) {
                document.removeEventListener("keydown", searchHandler);
                searchHandler = null;
            }
        }
    };
})();
