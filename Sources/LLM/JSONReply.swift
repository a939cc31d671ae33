import JSON

extension ChatMessage {
    /// The JSON object in the reply, with or without a ```json fence or words around it.
    public var jsonObject: JSONObject? {
        guard let open = content.firstIndex(of: "{"), let close = content.lastIndex(of: "}"), open < close else {
            return nil
        }
        return (try? JSONReader.parse(String(content[open...close])))?.objectValue
    }
}
