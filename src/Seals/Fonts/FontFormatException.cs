namespace ElectronicLicense.Seals.Fonts;

/// <summary>A font file is not a TrueType font this code can read (or subset).</summary>
public sealed class FontFormatException : Exception
{
    /// <summary>Creates the exception with a message saying what was expected.</summary>
    public FontFormatException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and the underlying cause.</summary>
    public FontFormatException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception with a generic message.</summary>
    public FontFormatException()
        : base("The font file is not a TrueType font.")
    {
    }
}
