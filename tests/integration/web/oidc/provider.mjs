// A real OpenID Connect provider (oidc-provider) standing in for the city's, for the sign-in
// tests of both web apps (the school's pages and the portal's). Run:
// `node provider.mjs '<json config>'`, the config being {"port", "clients": [{"client_id",
// "client_secret", "redirect_uri", "post_logout_redirect_uri"}, ...]} (or one client's four
// keys beside "port"). It listens on 127.0.0.1 only, signs ID tokens with an RSA key made at
// start, requires PKCE of its confidential clients and puts the person's claims in the ID token:
// the "staff" scope brings roles and school, the "portal" scope the portal UID, roles and school.
// Its built-in development interactions ask for a login (any account id below, any password)
// and then for consent; "[ Abort ]" answers the client `access_denied`.
import { generateKeyPairSync, randomBytes } from "node:crypto";

import Provider from "oidc-provider";

const config = JSON.parse(process.argv[2]);
const issuer = `http://127.0.0.1:${config.port}`;
const clients = config.clients ?? [config];

// The city's accounts the tests sign in as.
const ACCOUNTS = {
  t015: { name: "Смирнова Анна Сергеевна", roles: ["teacher"], school: "s1" },
  dep1: { name: "Орлова Ирина Павловна", roles: ["deputy", "parent"], school: "s1" },
  nobody: { name: "Петров Пётр Петрович", roles: [], school: "s1" },
  noschool: { name: "Сидоров Олег Ильич", roles: ["teacher"] },
  // Portal users: a UID (a number, or digits in a string as some providers send it), portal
  // roles; the name is there to show that the portal never takes it.
  parent1: { name: "Ильина Елена Сергеевна", uid: 100001, roles: ["parent"], school: "s1" },
  pupil2: { name: "Ильина Серафима Романовна", uid: "100002", roles: "pupil", school: "s1" },
  teacherparent: { uid: 200001, roles: ["teacher", "parent", "deputy"], school: "s1" },
  nouid: { name: "Без Номера", roles: ["parent"], school: "s1" },
  baduid: { uid: "-5", roles: ["parent"], school: "s1" },
  staffonly: { uid: 300001, roles: ["deputy"], school: "s1" },
  otherschool: { uid: 100009, roles: ["parent"], school: "s2" },
};

const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
const signingKey = { ...privateKey.export({ format: "jwk" }), kid: "test-1", use: "sig", alg: "RS256" };

const provider = new Provider(issuer, {
  clients: clients.map((client) => ({
    client_id: client.client_id,
    client_secret: client.client_secret,
    redirect_uris: [client.redirect_uri],
    post_logout_redirect_uris: [client.post_logout_redirect_uri],
    grant_types: ["authorization_code"],
    response_types: ["code"],
    token_endpoint_auth_method: "client_secret_basic",
  })),
  // PKCE is required of confidential clients too (by default only of public ones).
  pkce: { required: () => true },
  jwks: { keys: [signingKey] },
  cookies: { keys: [randomBytes(32).toString("hex")] },
  // The "staff" scope carries the roles and the school, the "portal" scope the UID, the roles
  // and the school; claims go into the ID token itself (by default they would only be served
  // by the userinfo endpoint).
  claims: {
    openid: ["sub"],
    profile: ["name"],
    staff: ["roles", "school"],
    portal: ["uid", "roles", "school"],
  },
  conformIdTokenClaims: false,
  features: {
    devInteractions: { enabled: true },
    rpInitiatedLogout: { enabled: true },
  },
  async findAccount(_ctx, id) {
    const account = ACCOUNTS[id];
    if (!account) return undefined;
    return {
      accountId: id,
      async claims() {
        return { sub: id, ...account };
      },
    };
  },
});

const server = provider.listen(config.port, "127.0.0.1", () => {
  console.log(`oidc-provider listening at ${issuer}`);
});

for (const signal of ["SIGTERM", "SIGINT"]) {
  process.on(signal, () => server.close(() => process.exit(0)));
}
