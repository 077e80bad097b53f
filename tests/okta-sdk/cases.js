'use strict';
// Each case drives DirectAuth's management API through Okta's own Node SDK (@okta/okta-sdk-nodejs, unchanged),
// the way its README and its own tests use it. Run: OKTA_ORG_URL=... OKTA_TOKEN=... node cases.js <case>
// Prints "ok <case>" and exits 0, or prints what went wrong and exits 1. The outbox (the fake SMS provider's
// store) is read over plain HTTP: it stands for the user's phone, which no SDK reads.
const assert = require('node:assert/strict');
const crypto = require('node:crypto');
const okta = require('@okta/okta-sdk-nodejs');

const orgUrl = process.env.OKTA_ORG_URL;
const token = process.env.OKTA_TOKEN;
const client = new okta.Client({ orgUrl, token });
const unique = `${Date.now().toString(36)}${crypto.randomBytes(3).toString('hex')}`;
const password = 'Correct-Horse-Battery-9';

async function all(collectionPromise) {
  const items = [];
  for await (const item of await collectionPromise) items.push(item);
  return items;
}

async function createUser(profile = {}, activate = true) {
  return client.userApi.createUser({
    activate,
    body: {
      profile: { firstName: 'Ada', lastName: 'Lovelace', email: `ada.${unique}@example.com`, login: `ada.${unique}@example.com`, ...profile },
      credentials: { password: { value: password } },
    },
  });
}

async function rejects(promise, status, errorCode) {
  try {
    await promise;
  } catch (e) {
    assert.equal(e.status, status, `status of ${e.message}`);
    if (errorCode) assert.equal(e.errorCode, errorCode, `errorCode of ${e.message}`);
    return e;
  }
  assert.fail(`expected HTTP ${status}`);
}

function totp(base32, step) {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = '';
  for (const c of base32.replace(/=+$/, '')) bits += alphabet.indexOf(c).toString(2).padStart(5, '0');
  const key = Buffer.from(bits.match(/.{8}/g).map(b => parseInt(b, 2)));
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(step));
  const mac = crypto.createHmac('sha1', key).update(counter).digest();
  const offset = mac[mac.length - 1] & 0xf;
  const code = (mac.readUInt32BE(offset) & 0x7fffffff) % 1000000;
  return code.toString().padStart(6, '0');
}

async function outboxCode(phone) {
  const response = await fetch(`${orgUrl}/api/v1/outbox?phone=${encodeURIComponent(phone)}&limit=1`, {
    headers: { Authorization: `SSWS ${token}`, Accept: 'application/json' },
  });
  const messages = await response.json();
  assert.ok(messages.length > 0, `no message to ${phone}`);
  return messages[0].code;
}

const cases = {
  // 1. Authorization servers can be listed and read (the SDK iterates _links.metadata).
  async authorizationServers() {
    const servers = await all(client.authorizationServerApi.listAuthorizationServers());
    assert.ok(servers.some(s => s.id === 'default'));
    const server = await client.authorizationServerApi.getAuthorizationServer({ authServerId: 'default' });
    assert.equal(server.id, 'default');
    assert.equal(server.audiences[0], 'api://default');
    assert.ok(Array.isArray(server._links.metadata));
    assert.ok(server._links.metadata.some(l => l.href.endsWith('/oauth2/default/.well-known/openid-configuration')));
  },

  // 2. Key rotation answers the list of keys, which the SDK parses as a collection.
  async keyRotate() {
    const before = await all(client.authorizationServerApi.listAuthorizationServerKeys({ authServerId: 'default' }));
    const next = before.find(k => k.status === 'NEXT');
    const keys = await all(client.authorizationServerApi.rotateAuthorizationServerKeys({ authServerId: 'default', use: { use: 'sig' } }));
    assert.equal(keys[0].status, 'ACTIVE');
    assert.equal(keys[0].kid, next.kid);
    assert.ok(keys.some(k => k.status === 'NEXT' && k.kid !== next.kid));
  },

  // 3. One scope can be read.
  async singleScope() {
    const name = `orders:${unique}`;
    const created = await client.authorizationServerApi.createOAuth2Scope({ authServerId: 'default', oAuth2Scope: { name, description: 'Read orders' } });
    const scope = await client.authorizationServerApi.getOAuth2Scope({ authServerId: 'default', scopeId: created.id });
    assert.equal(scope.name, name);
    assert.equal(scope.description, 'Read orders');
    const openid = await client.authorizationServerApi.getOAuth2Scope({ authServerId: 'default', scopeId: 'openid' });
    assert.equal(openid.system, true);
    await client.authorizationServerApi.deleteOAuth2Scope({ authServerId: 'default', scopeId: created.id });
    await rejects(client.authorizationServerApi.getOAuth2Scope({ authServerId: 'default', scopeId: created.id }), 404, 'E0000007');
  },

  // 4. The README's update flow: the user as read, changed and sent back (credentials.password is {}).
  async updateFlow() {
    const created = await createUser();
    const user = await client.userApi.getUser({ userId: created.id });
    assert.equal(user.credentials.password.value, undefined); // the server sent "password": {}
    user.profile.nickName = 'Countess';
    user.profile.lastName = 'King';
    const updated = await client.userApi.updateUser({ userId: user.id, user });
    assert.equal(updated.profile.nickName, 'Countess');
    assert.equal(updated.profile.lastName, 'King');
    assert.equal(updated.status, 'ACTIVE');
  },

  // 5. Okta's base profile attributes are kept and shown; an attribute Okta does not have is refused.
  async profileAttributes() {
    const created = await createUser({
      displayName: 'Ada L.', nickName: 'Ada', title: 'Analyst', locale: 'en_GB', timezone: 'Europe/London',
      countryCode: 'GB', department: 'Engines', secondEmail: `second.${unique}@example.com`,
    });
    const user = await client.userApi.getUser({ userId: created.id });
    assert.equal(user.profile.displayName, 'Ada L.');
    assert.equal(user.profile.nickName, 'Ada');
    assert.equal(user.profile.title, 'Analyst');
    assert.equal(user.profile.locale, 'en_GB');
    assert.equal(user.profile.timezone, 'Europe/London');
    assert.equal(user.profile.countryCode, 'GB');
    assert.equal(user.profile.department, 'Engines');
    const e = await rejects(client.userApi.createUser({ body: { profile: { login: `x.${unique}@example.com`, favouriteColour: 'blue' } } }), 400, 'E0000001');
    assert.match(JSON.stringify(e.errorCauses), /favouriteColour/);
  },

  // 6. filter and search with Okta's operators.
  async userSearch() {
    const since = new Date(Date.now() - 60_000).toISOString();
    const created = await createUser({ lastName: `Smith${unique}` });
    const recent = await all(client.userApi.listUsers({ filter: `lastUpdated gt "${since}"` }));
    assert.ok(recent.some(u => u.id === created.id));
    const future = await all(client.userApi.listUsers({ filter: `lastUpdated gt "2999-01-01T00:00:00.000Z"` }));
    assert.equal(future.length, 0);
    const sw = await all(client.userApi.listUsers({ search: `profile.lastName sw "smith${unique.slice(0, 4)}" and status eq "ACTIVE"` }));
    assert.deepEqual(sw.map(u => u.id), [created.id]);
    const either = await all(client.userApi.listUsers({ search: `(id eq "${created.id}" or id eq "nobody") and profile.email pr` }));
    assert.deepEqual(either.map(u => u.id), [created.id]);
    const bad = await rejects(all(client.userApi.listUsers({ filter: 'lastUpdated gt "yesterday"' })), 400, 'E0000001');
    assert.match(bad.errorSummary, /filter/);
  },

  // 7. expire_password: the user is PASSWORD_EXPIRED; a new password makes it ACTIVE again.
  async expirePassword() {
    const created = await createUser();
    const expired = await client.userApi.expirePassword({ userId: created.id });
    assert.equal(expired.status, 'PASSWORD_EXPIRED');
    const user = await client.userApi.getUser({ userId: created.id });
    assert.equal(user.status, 'PASSWORD_EXPIRED');
    user.credentials.password = { value: 'Another-Correct-Horse-7' };
    const changed = await client.userApi.updateUser({ userId: user.id, user });
    assert.equal(changed.status, 'ACTIVE');
  },

  // 8a. TOTP: enroll, activate, verify with a passCode; a wrong one is 403 E0000068.
  async verifyTotp() {
    const user = await createUser();
    const factor = await client.userFactorApi.enrollFactor({ userId: user.id, body: { factorType: 'token:software:totp', provider: 'GOOGLE' } });
    assert.equal(factor.status, 'PENDING_ACTIVATION');
    const secret = factor._embedded.activation.sharedSecret;
    const step = Math.floor(Date.now() / 30000);
    await client.userFactorApi.activateFactor({ userId: user.id, factorId: factor.id, body: { passCode: totp(secret, step) } });
    const wrong = await rejects(client.userFactorApi.verifyFactor({ userId: user.id, factorId: factor.id, body: { passCode: '000000' === totp(secret, step + 1) ? '111111' : '000000' } }), 403, 'E0000068');
    assert.equal(wrong.errorSummary, 'Invalid Passcode/Answer');
    const verified = await client.userFactorApi.verifyFactor({ userId: user.id, factorId: factor.id, body: { passCode: totp(secret, step + 1) } });
    assert.equal(verified.factorResult, 'SUCCESS');
  },

  // 8b. SMS: enroll, activate; verify without a code sends one (CHALLENGE), then the code verifies.
  async verifySms() {
    const phone = `+1415555${(Date.now() % 10000).toString().padStart(4, '0')}`;
    const user = await createUser();
    const factor = await client.userFactorApi.enrollFactor({ userId: user.id, body: { factorType: 'sms', provider: 'OKTA', profile: { phoneNumber: phone } } });
    await client.userFactorApi.activateFactor({ userId: user.id, factorId: factor.id, body: { passCode: await outboxCode(phone) } });
    const challenge = await client.userFactorApi.verifyFactor({ userId: user.id, factorId: factor.id });
    assert.equal(challenge.factorResult, 'CHALLENGE');
    const code = await outboxCode(phone);
    await rejects(client.userFactorApi.verifyFactor({ userId: user.id, factorId: factor.id, body: { passCode: code === '000000' ? '111111' : '000000' } }), 403, 'E0000068');
    const verified = await client.userFactorApi.verifyFactor({ userId: user.id, factorId: factor.id, body: { passCode: code } });
    assert.equal(verified.factorResult, 'SUCCESS');
    // A code verifies once.
    await rejects(client.userFactorApi.verifyFactor({ userId: user.id, factorId: factor.id, body: { passCode: code } }), 403, 'E0000068');
  },

  // 8c. Push: verify sends a push (WAITING with a poll link); the SDK polls the transaction until the device approves it.
  // The user, their push factor and the device that answers are set up by the test (PUSH_USER_ID, PUSH_FACTOR_ID).
  async verifyPush() {
    const userId = process.env.PUSH_USER_ID;
    const factorId = process.env.PUSH_FACTOR_ID;
    assert.ok(userId && factorId, 'PUSH_USER_ID and PUSH_FACTOR_ID are set by the test');
    const waiting = await client.userFactorApi.verifyFactor({ userId, factorId });
    assert.equal(waiting.factorResult, 'WAITING');
    const transactionId = waiting._links.poll.href.split('/').pop();
    let status;
    for (let i = 0; i < 40; i++) {
      status = await client.userFactorApi.getFactorTransactionStatus({ userId, factorId, transactionId });
      if (status.factorResult !== 'WAITING') break;
      await new Promise(r => setTimeout(r, 500));
    }
    assert.equal(status.factorResult, 'SUCCESS');
  },

  // 9. Groups: search, the built-in Everyone group, the factor catalog.
  async groups() {
    const everyone = await all(client.groupApi.listGroups({ search: 'profile.name eq "Everyone"' }));
    assert.equal(everyone.length, 1);
    assert.equal(everyone[0].type, 'BUILT_IN');
    const name = `Engineers ${unique}`;
    const group = await client.groupApi.createGroup({ group: { profile: { name, description: 'Builds engines' } } });
    const found = await all(client.groupApi.listGroups({ search: `profile.name eq "${name}"` }));
    assert.deepEqual(found.map(g => g.id), [group.id]);
    const okta = await all(client.groupApi.listGroups({ search: 'type eq "OKTA_GROUP"' }));
    assert.ok(okta.some(g => g.id === group.id) && !okta.some(g => g.id === everyone[0].id));
    const user = await createUser();
    const members = await all(client.groupApi.listGroupUsers({ groupId: everyone[0].id }));
    assert.ok(members.some(u => u.id === user.id));
    const groupsOfUser = await all(client.userApi.listUserGroups({ userId: user.id }));
    assert.ok(groupsOfUser.some(g => g.id === everyone[0].id));
    await rejects(client.groupApi.assignUserToGroup({ groupId: everyone[0].id, userId: user.id }), 403, 'E0000006');
    await rejects(client.groupApi.deleteGroup({ groupId: everyone[0].id }), 403, 'E0000006');
    await client.groupApi.deleteGroup({ groupId: group.id });
    const catalog = await all(client.userFactorApi.listSupportedFactors({ userId: user.id }));
    assert.ok(catalog.some(f => f.factorType === 'token:software:totp' && f.status === 'NOT_SETUP'));
    assert.ok(catalog.some(f => f.factorType === 'sms'));
  },
};

const name = process.argv[2];
if (!cases[name]) {
  console.error(`unknown case '${name}'; cases: ${Object.keys(cases).join(' ')}`);
  process.exit(2);
}
cases[name]().then(() => {
  console.log(`ok ${name}`);
}, e => {
  console.error(`FAILED ${name}: ${e && e.stack || e}`);
  if (e && e.errorCauses) console.error(JSON.stringify({ status: e.status, errorCode: e.errorCode, errorSummary: e.errorSummary, errorCauses: e.errorCauses }));
  process.exit(1);
});
