import Foundation
import Hummingbird
import JSON
import Thoth

extension ThothAPI {
    /// `/config/*`: the plugin's view of the settings, from the one table in `PluginSetting`.
    func addConfigRoutes(to router: RouterGroup<BasicRequestContext>) {
        let services = services
        router.get("/config/export") { _, _ in
            JSONMessages.response([
                "status": "success", "config": .object(PluginSettings.export(services.currentEnvironment)),
                "config_version": .string(PluginSettings.version), "exported_at": .string(ISOTime.string(Date())),
            ])
        }
        router.post("/config/import") { request, _ in
            let body = try await JSONMessages.object(request)
            let settings = try body.object("config") ?? body
            let (changes, errors, warnings) = PluginSettings.check(settings)
            guard errors.isEmpty else {
                return JSONMessages.response(
                    [
                        "status": "validation_failed", "errors": .array(errors.map { .string($0) }),
                        "warnings": .array(warnings.map { .string($0) }),
                        "message": .string("\(errors.count) setting(s) are invalid; nothing was imported"),
                    ], status: .badRequest)
            }
            try services.applySettings(changes)
            return JSONMessages.response([
                "status": "success", "synced_environment_vars": .array(changes.keys.sorted().map { .string($0) }),
                "warnings": .array(warnings.map { .string($0) }), "imported_at": .string(ISOTime.string(Date())),
            ])
        }
        router.post("/config/validate") { request, _ in
            let body = try await JSONMessages.object(request)
            let requested = try body.object("config") ?? body
            let source = requested.isEmpty ? "current" : "request"
            let settings = requested.isEmpty ? PluginSettings.export(services.currentEnvironment) : requested
            let (_, errors, warnings) = PluginSettings.check(settings)
            return JSONMessages.response([
                "status": .string(errors.isEmpty ? "valid" : "invalid"), "source": .string(source),
                "is_valid": .bool(errors.isEmpty), "errors": .array(errors.map { .string($0) }),
                "warnings": .array(warnings.map { .string($0) }), "error_count": .int(Int64(errors.count)),
                "warning_count": .int(Int64(warnings.count)), "validated_at": .string(ISOTime.string(Date())),
            ])
        }
        router.get("/config/schema") { _, _ in
            JSONMessages.response([
                "version": .string(PluginSettings.version), "settings": .array(PluginSetting.all.map(\.schema)),
            ])
        }
        router.get("/config/defaults") { _, _ in
            JSONMessages.response(
                .object(
                    JSONObject(
                        PluginSetting.all.compactMap { setting in
                            setting.defaultValue.map { (setting.key, .string($0)) }
                        })))
        }
    }
}
