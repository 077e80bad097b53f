namespace DirectAuth.Client.Tests.Infrastructure;

/// <summary>Answers exactly as the contract (PROTOCOL.md) and Okta's guides print them, byte for byte.</summary>
public static class OktaAnswers
{
    public const string MfaToken = "fCRU9lDO0rMHQ_FIADFL";
    public const string OobCode = "ftyP7pAi17dEc-zQFsBFjXVKw4HzH0yIMn";

    public const string MfaRequired =
        """{"error":"mfa_required","error_description":"Verify with an additional authenticator to complete the sign-in process.","mfa_token":"fCRU9lDO0rMHQ_FIADFL"}""";

    public const string PushChallenge =
        """{"challenge_type":"http://auth0.com/oauth/grant-type/mfa-oob","oob_code":"ftyP7pAi17dEc-zQFsBFjXVKw4HzH0yIMn","channel":"push","binding_method":"none","expires_in":300,"interval":5}""";

    public const string PushChallengeWithNumber =
        """{"challenge_type":"http://auth0.com/oauth/grant-type/mfa-oob","oob_code":"ftyP7pAi17dEc-zQFsBFjXVKw4HzH0yIMn","channel":"push","binding_method":"transfer","binding_code":"95","expires_in":300,"interval":5}""";

    public const string SmsChallenge =
        """{"challenge_type":"http://auth0.com/oauth/grant-type/mfa-oob","oob_code":"ftyP7pAi17dEc-zQFsBFjXVKw4HzH0yIMn","channel":"sms","binding_method":"prompt","expires_in":300,"interval":5}""";

    public const string VoiceChallenge =
        """{"challenge_type":"http://auth0.com/oauth/grant-type/mfa-oob","oob_code":"ftyP7pAi17dEc-zQFsBFjXVKw4HzH0yIMn","channel":"voice","binding_method":"prompt","expires_in":300,"interval":5}""";

    public const string OtpChallenge = """{"challenge_type":"http://auth0.com/oauth/grant-type/mfa-otp"}""";

    public const string PrimaryPush =
        """{"oob_code":"ftyP7pAi17dEc-zQFsBFjXVKw4HzH0yIMn","expires_in":300,"interval":5,"channel":"push","binding_method":"none"}""";

    public const string PrimaryPushWithNumber =
        """{"oob_code":"ftyP7pAi17dEc-zQFsBFjXVKw4HzH0yIMn","expires_in":300,"interval":5,"channel":"push","binding_method":"transfer","binding_code":"95"}""";

    public const string PrimarySms =
        """{"oob_code":"ftyP7pAi17dEc-zQFsBFjXVKw4HzH0yIMn","expires_in":300,"interval":5,"channel":"sms","binding_method":"prompt"}""";

    public const string PrimaryVoice =
        """{"oob_code":"ftyP7pAi17dEc-zQFsBFjXVKw4HzH0yIMn","expires_in":300,"interval":5,"channel":"voice","binding_method":"prompt"}""";

    public const string AuthorizationPending =
        """{"error":"authorization_pending","error_description":"No user response received on the out-of-band authenticator yet. Continue polling to wait for a response."}""";

    public const string SlowDown =
        """{"error":"slow_down","error_description":"The client is polling too fast. Poll no faster than the interval and try again."}""";

    public const string Denied =
        """{"error":"access_denied","error_description":"The user rejected the push notification."}""";

    public const string WrongNumber =
        """{"error":"access_denied","error_description":"The user selected the wrong number."}""";

    public const string ExpiredOobCode =
        """{"error":"access_denied","error_description":"'oob_code' has expired. Use a new 'oob_code' and try again."}""";

    public const string ExpiredMfaToken =
        """{"error":"access_denied","error_description":"'mfa_token' has expired. Use a new 'mfa_token' and try again."}""";

    public const string WrongOtp =
        """{"error":"invalid_grant","error_description":"The 'otp' provided is either empty or incorrect. Use the correct OTP and try again."}""";

    public const string InvalidCredentials = """{"error":"invalid_grant","error_description":"The credentials provided were invalid."}""";

    public const string Okta500 =
        """{"errorCode":"E0000009","errorSummary":"Internal Server Error","errorLink":"E0000009","errorId":"oae3sGX6ZcgTvWnlQ5Y9Dplaw","errorCauses":[]}""";

    public const string RateLimited =
        """{"error":"invalid_grant","error_description":"API call exceeded rate limit due to too many requests."}""";

    public const string UnauthorizedClient =
        """{"error":"unauthorized_client","error_description":"The client is not authorized to use the provided grant type. Configured grant types: [password, refresh_token]."}""";

    public const string UnsupportedChallenge =
        """{"error":"unsupported_challenge_type","error_description":"The user is not enrolled in the requested authenticator."}""";
}
