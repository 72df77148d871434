using System.Globalization;
using ElectronicLicense.Licenses.Errors;
using NJsonSchema.Validation;

namespace ElectronicLicense.Licenses.Catalog;

/// <summary>Turns NJsonSchema's validation errors into field errors a department's developer can act on.</summary>
/// <remarks>
/// NJsonSchema reports paths as <c>#/a.b[0].c</c>; the catalog loader forbids '.', '[' and ']' in property names,
/// so splitting that form is unambiguous. Messages are written here, not taken from the library.
/// </remarks>
internal static class SchemaErrorTranslator
{
    public static IReadOnlyList<FieldError> Translate(ICollection<ValidationError> errors, string basePointer)
    {
        var result = new List<FieldError>();
        foreach (var error in errors)
        {
            Collect(error, basePointer, result);
        }

        return result;
    }

    private static void Collect(ValidationError error, string basePointer, List<FieldError> result)
    {
        // Errors of anyOf/oneOf branches and of multi-typed values nest their causes; report the leaves.
        if (error is ChildSchemaValidationError child && child.Errors.Count > 0)
        {
            foreach (var nested in child.Errors.Values.SelectMany(e => e))
            {
                Collect(nested, basePointer, result);
            }

            return;
        }

        var pointer = error.Kind is ValidationErrorKind.PropertyRequired or ValidationErrorKind.NoAdditionalPropertiesAllowed
            && error.Property is { } property
                ? JsonPointer.Append(ToPointer(ParentPath(error.Path, property), basePointer), property)
                : ToPointer(error.Path, basePointer);

        result.Add(new FieldError(pointer, Describe(error)));
    }

    internal static string ToPointer(string? path, string basePointer)
    {
        var pointer = basePointer;
        if (string.IsNullOrEmpty(path))
        {
            return pointer;
        }

        var body = path.StartsWith("#/", StringComparison.Ordinal) ? path[2..] : path.TrimStart('#');
        foreach (var segment in body.Split('.', StringSplitOptions.RemoveEmptyEntries))
        {
            var bracket = segment.IndexOf('[', StringComparison.Ordinal);
            var name = bracket < 0 ? segment : segment[..bracket];
            if (name.Length > 0)
            {
                pointer = JsonPointer.Append(pointer, name);
            }

            while (bracket >= 0)
            {
                var close = segment.IndexOf(']', bracket);
                if (close < 0)
                {
                    break;
                }

                pointer = JsonPointer.Append(pointer, segment[(bracket + 1)..close]);
                bracket = segment.IndexOf('[', close);
            }
        }

        return pointer;
    }

    /// <summary>The path of the object holding <paramref name="property"/>, whose name ends the error's path.</summary>
    /// <remarks>
    /// An additional property's name is whatever the caller sent and may contain '.', '[' or ']', so it is cut off
    /// whole and appended as one pointer token instead of being split with the rest of the path.
    /// </remarks>
    private static string? ParentPath(string? path, string property) =>
        path == "#/" + property ? "#"
        : path is not null && path.EndsWith("." + property, StringComparison.Ordinal) ? path[..^(property.Length + 1)]
        : path;

    private static string Describe(ValidationError error)
    {
        var schema = error.Schema;
        return error.Kind switch
        {
            ValidationErrorKind.PropertyRequired => "is required",
            ValidationErrorKind.NoAdditionalPropertiesAllowed => "is not a field of this license type",
            ValidationErrorKind.StringExpected => "must be a string",
            ValidationErrorKind.NumberExpected => "must be a number",
            ValidationErrorKind.IntegerExpected => "must be an integer",
            ValidationErrorKind.BooleanExpected => "must be true or false",
            ValidationErrorKind.ObjectExpected => "must be an object",
            ValidationErrorKind.ArrayExpected => "must be an array",
            ValidationErrorKind.NullExpected => "must be null",
            ValidationErrorKind.NotInEnumeration => "must be one of: " + string.Join(", ", schema?.Enumeration ?? []),
            ValidationErrorKind.PatternMismatch => $"does not have the required format (pattern {schema?.Pattern})",
            ValidationErrorKind.StringTooShort => $"must be at least {schema?.MinLength} characters",
            ValidationErrorKind.StringTooLong => $"must be at most {schema?.MaxLength} characters",
            ValidationErrorKind.DateExpected => "must be a date in the form YYYY-MM-DD",
            ValidationErrorKind.DateTimeExpected => "must be a date-time in RFC 3339 form",
            ValidationErrorKind.NumberTooSmall => $"must be at least {Format(schema?.Minimum)}",
            ValidationErrorKind.NumberTooBig => $"must be at most {Format(schema?.Maximum)}",
            ValidationErrorKind.TooFewItems => $"must have at least {schema?.MinItems} items",
            ValidationErrorKind.TooManyItems => $"must have at most {schema?.MaxItems} items",
            ValidationErrorKind.ItemsNotUnique => "must not contain duplicate items",
            _ => "is invalid (" + SplitWords(error.Kind.ToString()) + ")",
        };
    }

    private static string Format(decimal? value) => value?.ToString(CultureInfo.InvariantCulture) ?? "?";

    private static string SplitWords(string name) =>
        string.Concat(name.Select((c, i) => i > 0 && char.IsUpper(c) ? " " + char.ToLowerInvariant(c) : char.ToLowerInvariant(c).ToString()));
}
