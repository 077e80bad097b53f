using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using static DirectAuth.Server.Tests.Phone.PhoneSteps;
using Reply = DirectAuth.Server.Tests.Delivery.FakeGateway.Reply;

namespace DirectAuth.Server.Tests.Delivery;

/// <summary>The Twilio provider against a local server that speaks Twilio's REST API.</summary>
public sealed class TwilioDeliveryTests : IClassFixture<TwilioServer>
{
    private const string Base = "/twilio/2010-04-01/Accounts/" + TwilioServer.AccountSid;
    private readonly TwilioServer _server;

    public TwilioDeliveryTests(TwilioServer server)
    {
        _server = server;
        server.Gateway.Reset();
        server.Gateway.Default = r => FakeTwilio.Respond(r, "/twilio", TwilioServer.AccountSid, TwilioServer.AuthToken);
    }

    [Fact]
    public async Task EnrollSms_Twilio_MessagesApiWithBasicAuthAndForm()
    {
        var userId = await _server.CreateUserAsync("twilio-sms@example.com");
        var phone = NewPhone();

        var factorId = await EnrollOkAsync(_server, userId, "sms", phone);

        var request = Assert.Single(_server.Gateway.Requests);
        Assert.Equal("POST", request.Method);
        Assert.Equal(Base + "/Messages.json", request.Path);
        var basic = Encoding.UTF8.GetString(Convert.FromBase64String(request.Header("Authorization")!["Basic ".Length..]));
        Assert.Equal($"{TwilioServer.AccountSid}:{TwilioServer.AuthToken}", basic);
        Assert.StartsWith("application/x-www-form-urlencoded", request.Header("Content-Type"), StringComparison.Ordinal);
        var form = FakeTwilio.Form(request);
        Assert.Equal(["Body", "From", "To"], form.Keys.Order().ToArray());
        Assert.Equal(phone, form["To"]);
        Assert.Equal(TwilioServer.From, form["From"]);
        var code = Regex.Match(form["Body"], "[0-9]{6}").Value;
        Assert.Equal($"Acme <Login> & Co: your verification code is {code}. It expires in 5 minutes. Do not share it with anyone.", form["Body"]);
        Assert.Equal(200, (await ActivateAsync(_server, userId, factorId, code)).Status);
    }

    [Fact]
    public async Task EnrollCall_Twilio_CallsApiWithTwimlReadingEachDigitTwice()
    {
        var userId = await _server.CreateUserAsync("twilio-call@example.com");
        var phone = NewPhone();

        var factorId = await EnrollOkAsync(_server, userId, "call", phone);

        var request = Assert.Single(_server.Gateway.Requests);
        Assert.Equal(Base + "/Calls.json", request.Path);
        var form = FakeTwilio.Form(request);
        Assert.Equal(["From", "To", "Twiml"], form.Keys.Order().ToArray());
        Assert.Equal(phone, form["To"]);
        Assert.Equal(TwilioServer.From, form["From"]);
        var twiml = XElement.Parse(form["Twiml"]);
        Assert.Equal("Response", twiml.Name.LocalName);
        var says = twiml.Elements("Say").ToList();
        Assert.All(says, s => Assert.Equal("en-US", s.Attribute("language")?.Value));
        Assert.Equal("Hello, this is Acme <Login> & Co. Your verification code is:", says[0].Value);
        var digits = string.Concat(says.Select(s => s.Value).Where(v => Regex.IsMatch(v, "^[0-9]$")));
        Assert.Equal(12, digits.Length);
        Assert.Equal(digits[..6], digits[6..]);
        Assert.True(twiml.Elements("Pause").Count() >= 12, "a pause between the digits");
        Assert.Equal(200, (await ActivateAsync(_server, userId, factorId, digits[..6])).Status);
    }

    [Fact]
    public async Task EnrollSms_TwilioSidKept_InTheSystemLog()
    {
        var userId = await _server.CreateUserAsync("twilio-sid@example.com");

        var factorId = await EnrollOkAsync(_server, userId, "sms", NewPhone());

        var sent = Assert.Single(await AuditAsync(_server, "system.sms.send_phone_verification_message"), e => e.TargetId == factorId);
        var details = JsonDocument.Parse(sent.Details!).RootElement;
        Assert.Equal("twilio", details.GetProperty("provider").GetString());
        Assert.StartsWith("SM", details.GetProperty("providerMessageId").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task EnrollSms_TwilioRefuses400_NotRetried503WithTwilioErrorInTheLog()
    {
        _server.Gateway.Enqueue(FakeTwilio.Error(400, 21211, "The 'To' number is not a valid phone number."));
        var userId = await _server.CreateUserAsync("twilio-400@example.com");

        var (status, body) = await EnrollAsync(_server, userId, "sms", NewPhone());

        AssertOktaError(status, body, 503, "E0000139");
        Assert.Single(_server.Gateway.Requests);
        var failed = Assert.Single(await AuditAsync(_server, "system.sms.send_phone_verification_message"), e => e.ActorId == userId);
        Assert.Equal("Twilio refused the request (HTTP 400, error 21211): The 'To' number is not a valid phone number.", failed.Reason);
    }

    [Fact]
    public async Task EnrollSms_Twilio500ThenCreated_RetriedOnce()
    {
        _server.Gateway.Enqueue(FakeTwilio.Error(500, 20500, "Internal Server Error"));
        var userId = await _server.CreateUserAsync("twilio-500@example.com");

        var (status, _) = await EnrollAsync(_server, userId, "sms", NewPhone());

        Assert.Equal(200, status);
        Assert.Equal(2, _server.Gateway.Requests.Count);
        Assert.Equal(_server.Gateway.Requests[0].Text, _server.Gateway.Requests[1].Text);
    }

    [Fact]
    public async Task EnrollCall_TwilioTimesOutOnce_RetriedAndDelivered()
    {
        _server.Gateway.Enqueue(new Reply(201, "{}", Delay: TimeSpan.FromSeconds(30)));
        var userId = await _server.CreateUserAsync("twilio-slow@example.com");

        var (status, _) = await EnrollAsync(_server, userId, "call", NewPhone());

        Assert.Equal(200, status);
        Assert.Equal(2, _server.Gateway.Requests.Count);
    }

    [Fact]
    public async Task EnrollCall_Twilio5xxEveryTime_503AfterMaxAttempts()
    {
        _server.Gateway.Enqueue(FakeTwilio.Error(503, 20503, "Service Unavailable"), FakeTwilio.Error(500, 20500, "Internal Server Error"));
        var userId = await _server.CreateUserAsync("twilio-down@example.com");

        var (status, body) = await EnrollAsync(_server, userId, "call", NewPhone());

        AssertOktaError(status, body, 503, "E0000139");
        Assert.Equal(2, _server.Gateway.Requests.Count);
        var failed = Assert.Single(await AuditAsync(_server, "system.voice.send_phone_verification_call"), e => e.ActorId == userId);
        Assert.Equal("Twilio answered HTTP 500 (after 2 attempts)", failed.Reason);
    }
}

/// <summary>Texts through a Twilio Messaging Service instead of a From number.</summary>
public sealed class TwilioMessagingServiceTests : IClassFixture<TwilioMessagingServiceServer>
{
    private readonly TwilioMessagingServiceServer _server;

    public TwilioMessagingServiceTests(TwilioMessagingServiceServer server)
    {
        _server = server;
        server.Gateway.Reset();
        server.Gateway.Default = r => FakeTwilio.Respond(r, "/twilio", TwilioServer.AccountSid, TwilioServer.AuthToken);
    }

    [Fact]
    public async Task EnrollSms_MessagingServiceSidSet_SentThroughTheServiceNotFrom()
    {
        var userId = await _server.CreateUserAsync("twilio-mg@example.com");

        await EnrollOkAsync(_server, userId, "sms", NewPhone());

        var form = FakeTwilio.Form(Assert.Single(_server.Gateway.Requests));
        Assert.Equal(["Body", "MessagingServiceSid", "To"], form.Keys.Order().ToArray());
        Assert.Equal(TwilioMessagingServiceServer.ServiceSid, form["MessagingServiceSid"]);
    }
}
