using System.Text.Json;
using ElectronicLicense.Licenses.Catalog;

namespace ElectronicLicense.Licenses.Sharing;

/// <summary>Picks fields out of stored license data (national metadata at the top, type fields under 照面).</summary>
internal static class FieldProjection
{
    public static bool TryGet(JsonElement data, string field, out JsonElement value)
    {
        if (MetadataNames.Displayable.Contains(field) && data.TryGetProperty(field, out value))
        {
            return true;
        }

        if (data.TryGetProperty(MetadataNames.Face, out var face) && face.ValueKind == JsonValueKind.Object && face.TryGetProperty(field, out value))
        {
            return true;
        }

        value = default;
        return false;
    }

    /// <summary>Exactly <paramref name="fields"/> (those the data has), in clear.</summary>
    public static Dictionary<string, JsonElement> Select(JsonElement data, IEnumerable<string> fields)
    {
        var selected = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        foreach (var field in fields)
        {
            if (TryGet(data, field, out var value))
            {
                selected[field] = value.Clone();
            }
        }

        return selected;
    }

    /// <summary>The masked text of a field, for identification; null when the data lacks it.</summary>
    public static string? Masked(JsonElement data, string field) =>
        TryGet(data, field, out var value) ? FieldMask.Mask(value.ValueKind == JsonValueKind.String ? value.GetString()! : value.GetRawText()) : null;

    /// <summary>The public view of a type: display fields that are not sensitive in clear, sensitive ones masked.</summary>
    public static (Dictionary<string, JsonElement> Fields, Dictionary<string, string> Masked) PublicView(JsonElement data, LicenseType type)
    {
        var fields = Select(data, type.DisplayOrder.Where(f => !type.SensitiveFields.Contains(f, StringComparer.Ordinal)));
        var masked = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var field in type.SensitiveFields)
        {
            if (Masked(data, field) is { } text)
            {
                masked[field] = text;
            }
        }

        return (fields, masked);
    }
}
