namespace ElectronicLicense.Seals.Ofd;

/// <summary>An OFD package or one of its XML files is not what GB/T 33190 requires, or a reference in it cannot be followed.</summary>
public sealed class OfdFormatException : Exception
{
    /// <summary>Creates the exception with a message saying what was expected.</summary>
    public OfdFormatException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and the underlying cause.</summary>
    public OfdFormatException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception with a generic message.</summary>
    public OfdFormatException()
        : base("The file is not a valid OFD package.")
    {
    }
}
