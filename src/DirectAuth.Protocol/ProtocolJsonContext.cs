using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace DirectAuth.Protocol;

/// <summary>Source-generated JSON metadata for the protocol messages.</summary>
[JsonSerializable(typeof(ErrorResponse))]
[JsonSerializable(typeof(TokenResponse))]
[JsonSerializable(typeof(ChallengeResponse))]
[JsonSerializable(typeof(OobAuthenticateResponse))]
[JsonSerializable(typeof(OktaApiError))]
[JsonSerializable(typeof(WebAuthnChallengeResponse))]
public sealed partial class ProtocolJsonContext : JsonSerializerContext
{
    /// <summary>
    /// The context used on the wire: apostrophes and other non-HTML-safe characters are written as they are
    /// (<c>'oob_code'</c>, not <c>\u0027oob_code\u0027</c>), as Okta writes them.
    /// </summary>
    public static ProtocolJsonContext Wire { get; } = new(new JsonSerializerOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
}
