namespace ElectronicLicense.Licenses.Errors;

/// <summary>A request the registry refuses, with a stable <see cref="Code"/> from <see cref="RegistryErrorCodes"/>.</summary>
/// <remarks>Thrown for caller errors only; messages never contain holder data, keys or library internals.</remarks>
public sealed class RegistryException : Exception
{
    /// <summary>Creates an error with a code, a message and optionally the failing fields.</summary>
    public RegistryException(string code, string message, IReadOnlyList<FieldError>? errors = null)
        : base(message)
    {
        Code = code;
        Errors = errors ?? [];
    }

    /// <summary>The stable error code.</summary>
    public string Code { get; }

    /// <summary>The failing fields, when the error is about fields.</summary>
    public IReadOnlyList<FieldError> Errors { get; }

    /// <summary>A <see cref="RegistryErrorCodes.ValidationFailed"/> error listing the failing fields; the message counts them.</summary>
    /// <param name="errors">The failing fields, each with a JSON pointer into the request body.</param>
    public static RegistryException Validation(IReadOnlyList<FieldError> errors) =>
        new(RegistryErrorCodes.ValidationFailed, errors.Count == 1
            ? "1 field is invalid."
            : $"{errors.Count} fields are invalid.", errors);

    /// <summary>A <see cref="RegistryErrorCodes.ValidationFailed"/> error for one failing field.</summary>
    /// <param name="pointer">JSON pointer to the field, e.g. <c>/licenseIds/0</c>.</param>
    /// <param name="message">What is wrong and what is expected (never holder data).</param>
    public static RegistryException Validation(string pointer, string message) =>
        Validation([new FieldError(pointer, message)]);
}
