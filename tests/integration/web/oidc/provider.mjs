// A real OpenID Connect provider (oidc-provider) standing in for the city's, for the school
// web's sign-in tests. Run: `node provider.mjs '<json config>'`, the config being
// {"port", "client_id", "client_secret", "redirect_uri", "post_logout_redirect_uri"}.
// It listens on 127.0.0.1 only, signs ID tokens with an RSA key made at start, requires PKCE
// of its one confidential client and puts the person's claims (name, roles, school) in the
// ID token. Its built-in development interactions ask for a login (any account id below,
// any password) and then for consent; "[ Abort ]" answers the client `access_denied`.
import { generateKeyPairSync, randomBytes } from "node:crypto";

import Provider from "oidc-provider";

const config = JSON.parse(process.argv[2]);
const issuer = `http://127.0.0.1:${config.port}`;

// The city's accounts the tests sign in as.
const ACCOUNTS = {
  t015: { name: "Смирнова Анна Сергеевна", roles: ["teacher"], school: "s1" },
  dep1: { name: "Орлова Ирина Павловна", roles: ["deputy", "parent"], school: "s1" },
  nobody: { name: "Петров Пётр Петрович", roles: [], school: "s1" },
  noschool: { name: "Сидоров Олег Ильич", roles: ["teacher"] },
};

const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
const signingKey = { ...privateKey.export({ format: "jwk" }), kid: "test-1", use: "sig", alg: "RS256" };

const provider = new Provider(issuer, {
  clients: [
    {
      client_id: config.client_id,
      client_secret: config.client_secret,
      redirect_uris: [config.redirect_uri],
      post_logout_redirect_uris: [config.post_logout_redirect_uri],
      grant_types: ["authorization_code"],
      response_types: ["code"],
      token_endpoint_auth_method: "client_secret_basic",
    },
  ],
  // PKCE is required of confidential clients too (by default only of public ones).
  pkce: { required: () => true },
  jwks: { keys: [signingKey] },
  cookies: { keys: [randomBytes(32).toString("hex")] },
  // The "staff" scope carries the roles and the school; claims go into the ID token itself
  // (by default they would only be served by the userinfo endpoint).
  claims: { openid: ["sub"], profile: ["name"], staff: ["roles", "school"] },
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
