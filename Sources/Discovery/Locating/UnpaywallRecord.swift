import Foundation
import JSON

/// Reads Unpaywall's `/v2/{doi}` answer: the open-access copies' PDF links, best first.
public enum UnpaywallRecord {
    public static func pdfURLs(_ bytes: some Collection<UInt8>) throws -> [String] {
        guard let root = try? JSONReader.parse(bytes).objectValue, root["doi"] != nil || root["is_oa"] != nil else {
            throw SourceError("Unpaywall answered with something that is not a DOI record")
        }
        let locations = [root["best_oa_location"]] + (root["oa_locations"]?.arrayValue ?? []).map { Optional($0) }
        var urls: [String] = []
        for location in locations {
            if let url = location?.objectValue?["url_for_pdf"]?.stringValue, !url.isEmpty, !urls.contains(url) {
                urls.append(url)
            }
        }
        return urls
    }
}
