using System.Diagnostics.CodeAnalysis;

namespace ElectronicLicense.Licenses.Presentation;

/// <summary>Base45 (RFC 9285): bytes as characters of the QR alphanumeric set, so a QR code stores them in alphanumeric mode.</summary>
/// <remarks>RFC 9285 §4: two bytes become three characters (c + 45·d + 45²·e = 256·a + b), a last single byte two.</remarks>
internal static class Base45
{
    public const string Alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:";

    public static string Encode(ReadOnlySpan<byte> bytes)
    {
        var chars = new char[(bytes.Length / 2 * 3) + (bytes.Length % 2 * 2)];
        var j = 0;
        for (var i = 0; i + 1 < bytes.Length; i += 2)
        {
            var n = (bytes[i] * 256) + bytes[i + 1];
            chars[j++] = Alphabet[n % 45];
            chars[j++] = Alphabet[n / 45 % 45];
            chars[j++] = Alphabet[n / (45 * 45)];
        }

        if (bytes.Length % 2 == 1)
        {
            var n = bytes[^1];
            chars[j++] = Alphabet[n % 45];
            chars[j] = Alphabet[n / 45];
        }

        return new string(chars);
    }

    public static bool TryDecode(ReadOnlySpan<char> text, [NotNullWhen(true)] out byte[]? bytes)
    {
        bytes = null;
        if (text.Length % 3 == 1)
        {
            return false;
        }

        var result = new byte[(text.Length / 3 * 2) + (text.Length % 3 == 2 ? 1 : 0)];
        var j = 0;
        for (var i = 0; i < text.Length; i += 3)
        {
            var remaining = text.Length - i;
            var c = Alphabet.IndexOf(text[i], StringComparison.Ordinal);
            var d = Alphabet.IndexOf(text[i + 1], StringComparison.Ordinal);
            if (c < 0 || d < 0)
            {
                return false;
            }

            if (remaining == 2)
            {
                var single = c + (45 * d);
                if (single > 0xFF)
                {
                    return false;
                }

                result[j] = (byte)single;
                break;
            }

            var e = Alphabet.IndexOf(text[i + 2], StringComparison.Ordinal);
            if (e < 0)
            {
                return false;
            }

            var n = c + (45 * d) + (45 * 45 * e);
            if (n > 0xFFFF)
            {
                return false;
            }

            result[j++] = (byte)(n >> 8);
            result[j++] = (byte)n;
        }

        bytes = result;
        return true;
    }
}
