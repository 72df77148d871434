using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using ElectronicLicense.Seals.Verification;

namespace ElectronicLicense.Licenses.Verification;

/// <summary>The canonical JSON form of a <see cref="VerificationReport"/>: the bytes a receipt's <c>reportSha256</c> covers.</summary>
/// <remarks>
/// UTF-8, no whitespace, camelCase names in declaration order, null members left out, non-ASCII text unescaped, instants in
/// ISO 8601, indications and sub-indications in their ETSI spelling, check results upper-case (PASSED, NOT_APPLICABLE). The
/// registry stores these bytes and serves them unchanged, so a caller checks a receipt by hashing what it received.
/// </remarks>
public static class VerificationJson
{
    /// <summary>The serializer options of the canonical form; also usable to read a report back.</summary>
    public static JsonSerializerOptions Options { get; } = new(JsonSerializerDefaults.Web)
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        WriteIndented = false,
        Converters =
        {
            new IndicationConverter(),
            new SubIndicationConverter(),
            new JsonStringEnumConverter<CheckOutcome>(JsonNamingPolicy.KebabCaseLower, allowIntegerValues: false),
            new JsonStringEnumConverter<RegistryCheckResult>(JsonNamingPolicy.SnakeCaseUpper, allowIntegerValues: false),
            new JsonStringEnumConverter<VerificationSubject>(JsonNamingPolicy.KebabCaseLower, allowIntegerValues: false),
        },
    };

    /// <summary>The canonical bytes of <paramref name="report"/>.</summary>
    public static byte[] Serialize(VerificationReport report) => JsonSerializer.SerializeToUtf8Bytes(report, Options);

    private sealed class IndicationConverter : JsonConverter<Indication>
    {
        public override Indication Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
        {
            var text = reader.GetString();
            return Enum.GetValues<Indication>().FirstOrDefault(v => v.ToEtsi() == text, Indication.Indeterminate);
        }

        public override void Write(Utf8JsonWriter writer, Indication value, JsonSerializerOptions options) => writer.WriteStringValue(value.ToEtsi());
    }

    private sealed class SubIndicationConverter : JsonConverter<SubIndication>
    {
        public override bool HandleNull => true;

        public override SubIndication Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
        {
            var text = reader.TokenType == JsonTokenType.Null ? null : reader.GetString();
            return Enum.GetValues<SubIndication>().FirstOrDefault(v => v.ToEtsi() == text, SubIndication.None);
        }

        public override void Write(Utf8JsonWriter writer, SubIndication value, JsonSerializerOptions options)
        {
            if (value.ToEtsi() is { } text)
            {
                writer.WriteStringValue(text);
            }
            else
            {
                writer.WriteNullValue();
            }
        }
    }
}
