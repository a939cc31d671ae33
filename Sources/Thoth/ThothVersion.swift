/// The version every listener reports.
public enum ThothVersion {
    public static let current = "0.1.0"
}
