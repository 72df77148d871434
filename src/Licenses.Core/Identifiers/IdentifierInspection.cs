namespace ElectronicLicense.Licenses.Identifiers;

/// <summary>What <see cref="IdentifierInspector"/> found a value to be, whether it is valid, and why not.</summary>
/// <param name="Kind">The kind guessed from the value's shape.</param>
/// <param name="IsValid">Whether the value is a valid identifier of that kind.</param>
/// <param name="Canonical">The canonical form when valid; otherwise the value as given.</param>
/// <param name="Reason">Why the value is not valid, or <see langword="null"/> when it is.</param>
/// <param name="Details">The parts of a valid identifier by name; empty when not valid.</param>
public sealed record IdentifierInspection(
    IdentifierKind Kind,
    bool IsValid,
    string Canonical,
    string? Reason,
    IReadOnlyDictionary<string, string> Details);
