namespace ElectronicLicense.Licenses.Identifiers;

/// <summary>The ISO/IEC 7064 check character systems used by the identifiers.</summary>
internal static class Iso7064
{
    // GB 11643-1999 §5.5: Wi = 2^(i−1) mod 11 for positions i = 18 … 2, read left to right.
    private static ReadOnlySpan<byte> Mod11_2Weights => [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];

    // GB 11643-1999 §5.5: Y = mod(S, 11) selects the check character 1 0 X 9 8 7 6 5 4 3 2.
    private const string Mod11_2CheckCharacters = "10X98765432";

    private const int HybridModulus = 36;

    /// <summary>Computes the ISO 7064 MOD 11-2 check character of 17 ASCII digits.</summary>
    /// <remarks>The caller has already checked that every character is an ASCII digit.</remarks>
    public static char Mod11_2(ReadOnlySpan<char> digits17)
    {
        int sum = 0;
        for (int i = 0; i < Mod11_2Weights.Length; i++)
        {
            sum += (digits17[i] - '0') * Mod11_2Weights[i];
        }

        return Mod11_2CheckCharacters[sum % 11];
    }

    /// <summary>Returns the starting state of the ISO/IEC 7064 MOD 37,36 hybrid system.</summary>
    public static int Mod37_36Start() => HybridModulus;

    /// <summary>Advances the MOD 37,36 hybrid state over characters of 0–9 A–Z.</summary>
    /// <remarks>
    /// ISO/IEC 7064 hybrid system with M = 36: P₀ = M; for each character a,
    /// S = (P + a) mod M, read as M when it is 0, then P = 2S mod (M + 1).
    /// The caller has already checked that every character is 0–9 or A–Z.
    /// </remarks>
    public static int Mod37_36Append(int state, ReadOnlySpan<char> chars)
    {
        foreach (char c in chars)
        {
            int value = IdentifierText.IsAsciiDigit(c) ? c - '0' : c - 'A' + 10;
            int s = (state + value) % HybridModulus;
            if (s == 0)
            {
                s = HybridModulus;
            }

            state = s * 2 % (HybridModulus + 1);
        }

        return state;
    }

    /// <summary>Returns the check character that completes a MOD 37,36 hybrid computation.</summary>
    /// <remarks>ISO/IEC 7064 hybrid systems: the check character a makes (P + a) mod M equal 1.</remarks>
    public static char Mod37_36Check(int state) =>
        IdentifierText.Alphanumeric[(HybridModulus + 1 - state) % HybridModulus];
}
