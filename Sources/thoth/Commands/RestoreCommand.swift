import ArgumentParser
import Foundation
import JSON
import Thoth
import VectorStore

/// `thoth restore FILE`: checks a backup first (its store opens and passes the integrity check,
/// its record counts match the manifest), then replaces the store, chat history and settings
/// and writes back the workspace files. Refuses while any process has the store open, and
/// refuses to replace an existing store without `--force`.
struct RestoreCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "restore", abstract: "Restore a backup made by `thoth backup` (the server must be stopped).")

    @Argument(help: "The archive written by `thoth backup`.") var file: String
    @Flag(help: "Replace an existing store.") var force = false

    func run() throws {
        let configuration = try ThothConfiguration.load()
        let workspace = configuration.workspace
        guard FileManager.default.fileExists(atPath: file) else { throw ValidationError("No backup at \(file)") }
        try FileManager.default.createDirectory(atPath: workspace.data, withIntermediateDirectories: true)
        let staging = try Archive.temporaryDirectory(near: (workspace.data as NSString).appendingPathComponent("x"))
        defer { try? FileManager.default.removeItem(atPath: staging) }
        try Archive.tar(["xzf", file, "-C", staging])
        let manifest = try Self.verify(staging)

        let lock = try VectorStore.lock(path: workspace.data, exclusive: true)
        let target = VectorStore.databaseFile(in: workspace.data)
        if FileManager.default.fileExists(atPath: target), !force {
            throw ValidationError("A store already exists in \(workspace.data); add --force to replace it")
        }
        let manager = FileManager.default
        for name in ["vectors.sqlite3", ChatStore.fileName] {
            let destination = (workspace.data as NSString).appendingPathComponent(name)
            for suffix in ["", "-wal", "-shm"] where manager.fileExists(atPath: destination + suffix) {
                try manager.removeItem(atPath: destination + suffix)
            }
            let source = (staging as NSString).appendingPathComponent(name)
            if manager.fileExists(atPath: source) { try manager.moveItem(atPath: source, toPath: destination) }
        }
        let settings = (staging as NSString).appendingPathComponent(SettingsOverrides.fileName)
        if manager.fileExists(atPath: settings) {
            let destination = (workspace.data as NSString).appendingPathComponent(SettingsOverrides.fileName)
            try? manager.removeItem(atPath: destination)
            try manager.moveItem(atPath: settings, toPath: destination)
        }
        var restored = 0
        for (name, path) in Archive.folders(workspace, includePdfs: true) {
            let source = (staging as NSString).appendingPathComponent("workspace/\(name)")
            guard let walker = manager.enumerator(atPath: source) else { continue }
            while let relative = walker.nextObject() as? String {
                var isDirectory: ObjCBool = false
                let from = (source as NSString).appendingPathComponent(relative)
                guard manager.fileExists(atPath: from, isDirectory: &isDirectory), !isDirectory.boolValue else {
                    continue
                }
                let to = (path as NSString).appendingPathComponent(relative)
                try manager.createDirectory(
                    atPath: (to as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
                try? manager.removeItem(atPath: to)
                try manager.copyItem(atPath: from, toPath: to)
                restored += 1
            }
        }
        withExtendedLifetime(lock) {}
        print(
            JSONWriter.string([
                "restored": .string(file), "data": .string(workspace.data), "workspace_files": .int(Int64(restored)),
                "collections": manifest["collections"] ?? [],
            ]))
    }

    /// The manifest of a sound backup; throws saying what is wrong otherwise.
    static func verify(_ staging: String) throws -> JSONObject {
        let path = (staging as NSString).appendingPathComponent(Archive.manifest)
        guard let data = FileManager.default.contents(atPath: path),
            case .object(let manifest)? = try? JSONReader.parse(Array(data)),
            manifest["format"] == "thoth-backup"
        else { throw ValidationError("Not a Thoth backup (no manifest)") }
        let store = try VectorStore(path: staging)
        defer { try? store.close() }
        let problems = try store.integrityCheck()
        guard problems == ["ok"] else {
            throw ValidationError("The backup's store fails the integrity check: \(problems.joined(separator: "; "))")
        }
        let counts = Dictionary(
            try store.collections().map { ($0.name, try store.count($0.id)) }, uniquingKeysWith: { $1 })
        for entry in manifest["collections"]?.arrayValue ?? [] {
            guard let name = entry.objectValue?["name"]?.stringValue,
                let expected = entry.objectValue?["count"]?.intValue
            else { continue }
            guard counts[name] == Int(expected) else {
                throw ValidationError(
                    "The backup's collection \(name) holds \(counts[name] ?? 0) records, not \(expected)")
            }
        }
        return manifest
    }
}
