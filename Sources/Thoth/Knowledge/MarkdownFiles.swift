import Foundation

/// The markdown files under a folder, as RAG indexes them and MCP lists them: `*.md` files at
/// any depth, hidden folders (`.obsidian`, `.trash`) skipped, paths relative to the folder, sorted.
public enum MarkdownFiles {
    public static func relativePaths(in folder: String) -> [String] {
        guard let walker = FileManager.default.enumerator(atPath: folder) else { return [] }
        var found: [String] = []
        while let relative = walker.nextObject() as? String {
            guard relative.lowercased().hasSuffix(".md"),
                !relative.split(separator: "/").contains(where: { $0.hasPrefix(".") })
            else { continue }
            var isDirectory: ObjCBool = false
            let path = (folder as NSString).appendingPathComponent(relative)
            if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue {
                found.append(relative)
            }
        }
        return found.sorted()
    }
}
