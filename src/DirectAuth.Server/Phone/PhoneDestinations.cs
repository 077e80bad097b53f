using System.Buffers.Binary;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using DirectAuth.Server.Security;
using Microsoft.Extensions.Options;

namespace DirectAuth.Server.Phone;

/// <summary>
/// Where a sign-in code went, as the challenge answer tells the client (<c>destination</c>, a DirectAuth
/// extension: <c>+1 ••• ••• 0123</c>). A decoy (a login no one has, or without a phone) must answer the same
/// shape, and the same value every time, or repeating a request would tell them apart: its mask is the default
/// region's country code (else +1) and four digits from a keyed hash of the login.
/// <c>Phone:ShowDestination</c> <c>false</c> leaves the field out for everyone.
/// </summary>
public sealed class PhoneDestinations(SecretProtector protector, IOptions<PhoneOptions> options)
{
    private readonly byte[] _decoyKey = protector.DeriveKey("directauth/phone-decoy-destination/v1");

    /// <summary>The mask of the user's number, or null when destinations are not shown.</summary>
    public string? For(string phone) => options.Value.ShowDestination ? PhoneNumber.Mask(phone) : null;

    /// <summary>A decoy's mask for the login (its SHA-256 <paramref name="loginKey"/>): stable, and like a real one.</summary>
    public string? Decoy(string loginKey)
    {
        if (!options.Value.ShowDestination) return null;
        var mac = HMACSHA256.HashData(_decoyKey, Encoding.UTF8.GetBytes(loginKey));
        var digits = (BinaryPrimitives.ReadUInt32BigEndian(mac) % 10_000).ToString("D4", CultureInfo.InvariantCulture);
        return PhoneNumber.MaskOf(PhoneNumber.CountryCodeOf(options.Value.DefaultRegion) ?? 1, digits);
    }
}
