namespace ElectronicLicense.Licenses.StatusLists;

/// <summary>Bit addressing shared by the registry and verifiers: entry i of a 2-bit list is bits 2i, 2i+1 from the MSB of byte 0.</summary>
internal static class StatusBits
{
    public const int BitsPerEntry = 2;

    public static StatusListValue Get(ReadOnlySpan<byte> bits, int index) =>
        (StatusListValue)((bits[index >> 2] >> (6 - ((index & 3) * 2))) & 3);

    public static void Set(Span<byte> bits, int index, StatusListValue value)
    {
        var shift = 6 - ((index & 3) * 2);
        bits[index >> 2] = (byte)((bits[index >> 2] & ~(3 << shift)) | ((int)value << shift));
    }

    public static bool IsAllocated(ReadOnlySpan<byte> map, int index) => (map[index >> 3] & (0x80 >> (index & 7))) != 0;

    public static void MarkAllocated(Span<byte> map, int index) => map[index >> 3] |= (byte)(0x80 >> (index & 7));
}
