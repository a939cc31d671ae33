import Hummingbird

extension ThothAPI {
    /// The web console at `/console` (`/` leads there) and the API docs at `/docs`: static
    /// files only, served to anyone, as a login page is. Every piece of data they show comes
    /// from the protected routes, with the token the console's login asks for.
    func addConsoleRoutes(to router: Router<BasicRequestContext>) {
        let catalog = WebAssetCatalog.shared
        router.get("/") { _, _ in Response(status: .found, headers: [.location: "/console"]) }
        for path in catalog.assets.keys {
            router.get(RouterPath(path)) { request, _ in
                // Present: the route exists because the file does.
                catalog.response(path, to: request)!
            }
        }
    }
}
