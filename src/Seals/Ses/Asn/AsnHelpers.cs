using System.Formats.Asn1;

namespace ElectronicLicense.Seals.Ses.Asn;

/// <summary>A time as found in a seal or signature, with the ASN.1 type it was written in so re-encoding reproduces it.</summary>
internal readonly record struct AsnTime(DateTimeOffset Value, bool IsUtcTime)
{
    public static AsnTime Read(AsnReader reader, string field)
    {
        var tag = reader.PeekTag();
        if (tag.HasSameClassAndValue(Asn1Tag.UtcTime))
        {
            return new AsnTime(reader.ReadUtcTime(), true);
        }

        if (tag.HasSameClassAndValue(Asn1Tag.GeneralizedTime))
        {
            return new AsnTime(reader.ReadGeneralizedTime(), false);
        }

        throw new AsnContentException($"{field} must be a UTCTime or GeneralizedTime, got tag {tag}.");
    }

    public void Write(AsnWriter writer)
    {
        if (IsUtcTime)
        {
            writer.WriteUtcTime(Value);
        }
        else
        {
            writer.WriteGeneralizedTime(Value, omitFractionalSeconds: Value.Ticks % TimeSpan.TicksPerSecond == 0);
        }
    }
}

/// <summary>Small readers shared by the SES structures; each throws <see cref="AsnContentException"/> with a message naming the field.</summary>
internal static class AsnRead
{
    public static int Int32(AsnReader reader, string field)
    {
        if (!reader.TryReadInt32(out var value))
        {
            throw new AsnContentException($"{field} must be an INTEGER that fits in 32 bits.");
        }

        return value;
    }

    public static string Ia5(AsnReader reader, string field, int maxLength)
    {
        var value = reader.ReadCharacterString(UniversalTagNumber.IA5String);
        return value.Length <= maxLength ? value : throw new AsnContentException($"{field} must be at most {maxLength} characters, got {value.Length}.");
    }

    public static string Utf8(AsnReader reader, string field, int maxLength)
    {
        var value = reader.ReadCharacterString(UniversalTagNumber.UTF8String);
        return value.Length <= maxLength ? value : throw new AsnContentException($"{field} must be at most {maxLength} characters, got {value.Length}.");
    }

    /// <summary>Reads a BIT STRING holding whole bytes (every SES BIT STRING carries bytes: hashes, signatures, times).</summary>
    public static ReadOnlyMemory<byte> ByteBitString(AsnReader reader, string field)
    {
        if (!reader.TryReadPrimitiveBitString(out var unusedBits, out var value) || unusedBits != 0)
        {
            throw new AsnContentException($"{field} must be a primitive BIT STRING of whole bytes.");
        }

        return value;
    }

    public static ReadOnlyMemory<byte> OctetString(AsnReader reader, string field)
    {
        if (!reader.TryReadPrimitiveOctetString(out var value))
        {
            throw new AsnContentException($"{field} must be a primitive OCTET STRING.");
        }

        return value;
    }

    public static void End(AsnReader reader, string structure)
    {
        if (reader.HasData)
        {
            throw new AsnContentException($"{structure} has more elements than the standard defines.");
        }
    }

    /// <summary>Counts the elements of a constructed value without decoding them, giving up past <paramref name="max"/>.</summary>
    public static int CountElements(AsnReader sequence, int max)
    {
        var sequenceContents = sequence.Clone();
        var count = 0;
        while (sequenceContents.HasData && count <= max)
        {
            sequenceContents.ReadEncodedValue();
            count++;
        }

        return count;
    }
}
