using System.Globalization;
using System.Text.Json;

namespace ElectronicLicense.Licenses.Audit;

/// <summary>The canonical leaf bytes of an event: compact UTF-8 JSON with a fixed member order, personal fields as salted hashes.</summary>
/// <remarks>
/// Deterministic (same event and time → same bytes) and independent of the leaf's index. Members, in this order:
/// <c>v</c> (format, 1), <c>time</c> (UTC, milliseconds), <c>action</c>, <c>outcome</c>, <c>actor</c>, <c>department</c>, <c>role</c>,
/// <c>holder</c>, <c>agent</c>, <c>officer</c> (each HMAC-SHA256 under the registry's audit secret, lower-case hex), <c>license</c>,
/// <c>type</c>, <c>grant</c>, <c>purpose</c>, <c>case</c>, <c>legalBasis</c>, <c>fields</c>, <c>detail</c>; absent values are <c>null</c>.
/// The same person hashes to the same value in every event, so one holder's events can be linked without revealing who they are.
/// </remarks>
internal static class AuditLeaf
{
    private const string TimeFormat = "yyyy-MM-dd'T'HH:mm:ss.fff'Z'";

    public static byte[] Encode(AuditEntry entry, DateTimeOffset atUtc, Func<string, string> personalHash)
    {
        using var buffer = new MemoryStream(256);
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteNumber("v", 1);
            json.WriteString("time", atUtc.UtcDateTime.ToString(TimeFormat, CultureInfo.InvariantCulture));
            json.WriteString("action", entry.Action);
            json.WriteString("outcome", OutcomeName(entry.Outcome));
            json.WriteString("actor", ActorName(entry.ActorKind));
            Write(json, "department", entry.Department);
            Write(json, "role", entry.Role);
            Write(json, "holder", Hash(entry.HolderCode));
            Write(json, "agent", Hash(entry.AgentCode));
            Write(json, "officer", Hash(entry.OfficerId));
            Write(json, "license", entry.LicenseId);
            Write(json, "type", entry.TypeCode);
            Write(json, "grant", entry.GrantId);
            Write(json, "purpose", entry.Purpose);
            Write(json, "case", entry.CaseNumber);
            Write(json, "legalBasis", entry.LegalBasis);
            if (entry.Fields is null)
            {
                json.WriteNull("fields");
            }
            else
            {
                json.WriteStartArray("fields");
                foreach (var field in entry.Fields)
                {
                    json.WriteStringValue(field);
                }

                json.WriteEndArray();
            }

            Write(json, "detail", entry.Detail);
            json.WriteEndObject();
        }

        return buffer.ToArray();

        string? Hash(string? value) => string.IsNullOrEmpty(value) ? null : personalHash(value);
    }

    /// <summary>Reads a leaf back into an entry without its personal fields (they are only hashes in the leaf).</summary>
    public static AuditEntry Decode(ReadOnlySpan<byte> leaf)
    {
        var reader = new Utf8JsonReader(leaf);
        using var document = JsonDocument.ParseValue(ref reader);
        var root = document.RootElement;
        return new AuditEntry
        {
            Action = root.GetProperty("action").GetString()!,
            Outcome = ParseOutcome(root.GetProperty("outcome").GetString()),
            ActorKind = ParseActor(root.GetProperty("actor").GetString()),
            Department = Text(root, "department"),
            Role = Text(root, "role"),
            LicenseId = Text(root, "license"),
            TypeCode = Text(root, "type"),
            GrantId = Text(root, "grant"),
            Purpose = Text(root, "purpose"),
            CaseNumber = Text(root, "case"),
            LegalBasis = Text(root, "legalBasis"),
            Fields = root.GetProperty("fields").ValueKind == JsonValueKind.Array
                ? root.GetProperty("fields").EnumerateArray().Select(f => f.GetString()!).ToArray()
                : null,
            Detail = Text(root, "detail"),
        };
    }

    private static void Write(Utf8JsonWriter json, string name, string? value)
    {
        if (value is null)
        {
            json.WriteNull(name);
        }
        else
        {
            json.WriteString(name, value);
        }
    }

    private static string? Text(JsonElement root, string name) => root.GetProperty(name).GetString();

    // Names are spelled out, not taken from the enums' ToString(), so renaming a member never changes the leaf format.
    private static string OutcomeName(AuditOutcome outcome) => outcome switch
    {
        AuditOutcome.Success => "success",
        AuditOutcome.Denied => "denied",
        AuditOutcome.Failed => "failed",
        _ => throw new ArgumentOutOfRangeException(nameof(outcome), outcome, "Unknown audit outcome."),
    };

    private static AuditOutcome ParseOutcome(string? name) => name switch
    {
        "success" => AuditOutcome.Success,
        "denied" => AuditOutcome.Denied,
        _ => AuditOutcome.Failed,
    };

    private static string ActorName(AuditActorKind kind) => kind switch
    {
        AuditActorKind.Department => "department",
        AuditActorKind.Holder => "holder",
        AuditActorKind.System => "system",
        AuditActorKind.Anonymous => "anonymous",
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown actor kind."),
    };

    private static AuditActorKind ParseActor(string? name) => name switch
    {
        "department" => AuditActorKind.Department,
        "holder" => AuditActorKind.Holder,
        "system" => AuditActorKind.System,
        _ => AuditActorKind.Anonymous,
    };
}
