import ArgumentParser
import Foundation
import JSON
import Thoth
import VectorStore

/// `thoth backup FILE`: a consistent snapshot of the store and the chat history (SQLite's online
/// backup, so a running server keeps serving and writing), the run-time settings, and the
/// workspace's notes, markdown, queries and discovery folders, as one `.tar.gz`.
struct BackupCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "backup", abstract: "Snapshot the store and the workspace into a .tar.gz, while serving.")

    @Argument(help: "The archive to write (.tar.gz).") var file: String
    @Flag(help: "Also include the PDF folder.") var includePdfs = false

    func run() throws {
        let configuration = try ThothConfiguration.load()
        let workspace = configuration.workspace
        let staging = try Archive.temporaryDirectory(near: file)
        defer { try? FileManager.default.removeItem(atPath: staging) }

        let store = try VectorStore(path: workspace.data)
        try store.backup(to: VectorStore.databaseFile(in: staging))
        try store.close()
        // The manifest describes the snapshot itself (writers may have gone on since).
        let snapshot = try VectorStore(path: staging)
        let collections = try snapshot.collections().map { info -> JSONValue in
            ["name": .string(info.name), "count": .int(Int64(try snapshot.count(info.id)))]
        }
        try snapshot.close()
        for leftover in ["vectors.lock", "vectors.sqlite3-wal", "vectors.sqlite3-shm"] {
            try? FileManager.default.removeItem(atPath: (staging as NSString).appendingPathComponent(leftover))
        }
        let chats = try ChatStore(directory: workspace.data)
        try chats.backup(to: (staging as NSString).appendingPathComponent(ChatStore.fileName))
        try chats.close()
        let settings = (workspace.data as NSString).appendingPathComponent(SettingsOverrides.fileName)
        if FileManager.default.fileExists(atPath: settings) {
            try FileManager.default.copyItem(
                atPath: settings, toPath: (staging as NSString).appendingPathComponent(SettingsOverrides.fileName))
        }
        var files = 0
        for (name, path) in Archive.folders(workspace, includePdfs: includePdfs)
        where FileManager.default.fileExists(atPath: path) {
            let target = (staging as NSString).appendingPathComponent("workspace/\(name)")
            try FileManager.default.createDirectory(
                atPath: (target as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            try FileManager.default.copyItem(atPath: path, toPath: target)
            files += FileManager.default.enumerator(atPath: target)?.allObjects.count ?? 0
        }
        let manifest: JSONValue = [
            "format": "thoth-backup", "version": 1, "created_at": .string(ISOTime.string(Date())),
            "thoth_version": .string(ThothVersion.current), "collections": .array(collections),
            "workspace_entries": .int(Int64(files)),
        ]
        try Data(JSONWriter.serialize(manifest)).write(
            to: URL(fileURLWithPath: (staging as NSString).appendingPathComponent(Archive.manifest)))
        try Archive.tar(["czf", file, "-C", staging, "."])
        print(JSONWriter.string(["file": .string(file), "manifest": manifest]))
    }
}

/// Helpers shared by backup and restore: the archive's layout and the `tar` calls.
enum Archive {
    static let manifest = "manifest.json"

    static func folders(_ workspace: Workspace, includePdfs: Bool) -> [(String, String)] {
        [
            ("notes", workspace.notes), ("markdown", workspace.markdown), ("queries", workspace.queries),
            ("discovery", workspace.discovery),
        ] + (includePdfs ? [("pdfs", workspace.pdfs)] : [])
    }

    /// A fresh directory on the same file system as `file`, so moves stay renames.
    static func temporaryDirectory(near file: String) throws -> String {
        let parent = (((file as NSString).expandingTildeInPath as NSString).deletingLastPathComponent as NSString)
            .standardizingPath
        let directory = ((parent.isEmpty ? "." : parent) as NSString)
            .appendingPathComponent(".thoth-archive-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        return directory
    }

    static func tar(_ arguments: [String]) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["tar"] + arguments
        let errors = Pipe()
        process.standardError = errors
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            let message = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            throw ValidationError("tar \(arguments.first ?? "") failed: \(message)")
        }
    }
}
