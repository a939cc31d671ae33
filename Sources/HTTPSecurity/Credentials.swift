import HTTPTypes
import Hummingbird

/// What a protected route asks of a request: Chroma's static token, or a Thoth access token.
public enum Credentials: Sendable {
    /// `Authorization: Bearer <token>` or `X-Chroma-Token: <token>`, as Chroma's token auth.
    case staticToken(String)
    /// `Authorization: Bearer <JWT>`; WebSocket upgrades may send `?token=<JWT>` instead,
    /// since browsers cannot set headers on a WebSocket.
    case accessToken(AccessToken)

    public static var chromaTokenHeader: HTTPField.Name { HTTPField.Name("X-Chroma-Token")! }

    /// Why `request` is refused, or nil when its credentials are good.
    public func rejection(of request: Request) async -> String? {
        switch self {
        case .staticToken(let token):
            let presented = [request.headers[Self.chromaTokenHeader], Self.bearer(request)].compactMap { $0 }
            return presented.contains { ConstantTime.equal($0, token) }
                ? nil : "Unauthorized: a valid token is required"
        case .accessToken(let token):
            let upgrade = request.headers[.upgrade]?.lowercased() == "websocket"
            guard let presented = Self.bearer(request) ?? (upgrade ? request.uri.queryParameters.get("token") : nil)
            else { return "Authentication required: send Authorization: Bearer <token>" }
            do {
                _ = try await token.verify(String(presented))
                return nil
            } catch {
                return "\(error)"
            }
        }
    }

    static func bearer(_ request: Request) -> String? {
        guard let header = request.headers[.authorization], header.count > 7,
            header.prefix(7).lowercased() == "bearer "
        else { return nil }
        return header.dropFirst(7).trimmingCharacters(in: .whitespaces)
    }
}
