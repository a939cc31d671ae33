import Foundation
import JSON
import Testing

@testable import Thoth

@Suite struct ChatStoreTests {
    let store: ChatStore

    init() throws {
        store = try ChatStore(directory: NSTemporaryDirectory() + "thoth-chat-\(UUID().uuidString)")
    }

    @Test func appendingCountsAndPreviewsMessages() throws {
        let session = try store.createSession(title: "Papers", metadata: ["topic": "search"])
        try store.append(sessionID: session.id, role: "user", content: "first")
        try store.append(sessionID: session.id, role: "assistant", content: "second")
        let stored = try #require(try store.session(session.id))
        #expect(stored.messageCount == 2)
        #expect(stored.lastMessagePreview == "second")
        #expect(stored.metadata == ["topic": "search"])
        let (messages, total) = try store.messages(sessionID: session.id, limit: 1, offset: 1)
        #expect(total == 2)
        #expect(messages.map(\.content) == ["second"])
    }

    @Test func messageToAnUnknownSessionCreatesItUnderThatID() throws {
        try store.append(sessionID: "obsidian-123", role: "user", content: "What is HNSW?\nmore")
        let session = try #require(try store.session("obsidian-123"))
        #expect(session.title == "What is HNSW?")
        #expect(session.messageCount == 1)
    }

    @Test func deletingASessionDeletesItsMessages() throws {
        let session = try store.createSession(title: "Gone")
        try store.append(sessionID: session.id, role: "user", content: "bye")
        #expect(try store.deleteSession(session.id))
        #expect(try store.session(session.id) == nil)
        #expect(try store.messages(sessionID: session.id, limit: 10, offset: 0).total == 0)
        #expect(try !store.deleteSession(session.id))
    }

    @Test func archivedSessionsLeaveTheActiveList() throws {
        let kept = try store.createSession(title: "kept")
        let archived = try store.createSession(title: "archived")
        #expect(try store.archiveSession(archived.id))
        #expect(try store.sessions(activeOnly: true, limit: 50).map(\.id) == [kept.id])
        #expect(Set(try store.sessions(activeOnly: false, limit: 50).map(\.id)) == [kept.id, archived.id])
    }

    @Test func searchMatchesLiterallyEvenWithWildcards() throws {
        let session = try store.createSession(title: "s")
        try store.append(sessionID: session.id, role: "user", content: "100% recall")
        try store.append(sessionID: session.id, role: "user", content: "1000 recall")
        #expect(try store.search("0% r", sessionID: nil, limit: 10).map(\.content) == ["100% recall"])
        #expect(try store.search("RECALL", sessionID: session.id, limit: 10).count == 2)
    }
}
