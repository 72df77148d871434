using System.Text.Json;
using System.Text.Json.Serialization;
using ElectronicLicense.Seals.Verification;

namespace ElectronicLicense.Cli.Verification;

/// <summary>The JSON form of <c>elic verify --json</c>: the <see cref="DocumentReport"/> as it is, in the CLI's JSON style.</summary>
/// <remarks>
/// The shape is a documented contract (src/Licenses.Cli/README.md): camelCase names, every key always present (null
/// when unknown), indications and sub-indications in their ETSI spelling ("TOTAL-PASSED", "HASH_FAILURE"; a missing
/// sub-indication is null), check outcomes in kebab-case ("passed", "not-applicable").
/// </remarks>
internal static class VerifyJson
{
    public static readonly JsonSerializerOptions Options = new(CliJson.Options)
    {
        // A stable shape for scripts: absent information is an explicit null, not a missing key.
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
        Converters =
        {
            new EtsiIndicationConverter(),
            new EtsiSubIndicationConverter(),
            new JsonStringEnumConverter<CheckOutcome>(JsonNamingPolicy.KebabCaseLower, allowIntegerValues: false),
        },
    };

    public static void Write(TextWriter output, DocumentReport report) =>
        output.WriteLine(JsonSerializer.Serialize(report, Options));
}

/// <summary>Writes <see cref="Indication"/> as "TOTAL-PASSED", "INDETERMINATE" or "TOTAL-FAILED".</summary>
internal sealed class EtsiIndicationConverter : JsonConverter<Indication>
{
    public override Indication Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        var text = reader.GetString();
        foreach (var value in Enum.GetValues<Indication>())
        {
            if (value.ToEtsi() == text)
            {
                return value;
            }
        }

        throw new JsonException($"Expected TOTAL-PASSED, INDETERMINATE or TOTAL-FAILED, got \"{text}\".");
    }

    public override void Write(Utf8JsonWriter writer, Indication value, JsonSerializerOptions options) =>
        writer.WriteStringValue(value.ToEtsi());
}

/// <summary>Writes <see cref="SubIndication"/> as its ETSI name ("HASH_FAILURE"), and <see cref="SubIndication.None"/> as null.</summary>
internal sealed class EtsiSubIndicationConverter : JsonConverter<SubIndication>
{
    public override bool HandleNull => true;

    public override SubIndication Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType == JsonTokenType.Null)
        {
            return SubIndication.None;
        }

        var text = reader.GetString();
        foreach (var value in Enum.GetValues<SubIndication>())
        {
            if (value.ToEtsi() == text)
            {
                return value;
            }
        }

        throw new JsonException($"Expected an ETSI sub-indication such as HASH_FAILURE, got \"{text}\".");
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
