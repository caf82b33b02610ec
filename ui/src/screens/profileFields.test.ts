import { describe, expect, it } from 'vitest';
import { profileFieldProblem } from './profileFields';

describe('profile fields', () => {
  it('takes a tenant host name, and says what to write instead of a URL', () => {
    expect(profileFieldProblem('domain', 'acme.eu.auth0.com')).toBeNull();
    expect(profileFieldProblem('domain', 'http://127.0.0.1:4443')).toBeNull();
    expect(profileFieldProblem('domain', 'http://evil.example:4443')).toMatch(/without https:\/\//);
    expect(profileFieldProblem('domain', 'https://acme.eu.auth0.com/')).toMatch(/without https:\/\//);
    expect(profileFieldProblem('domain', 'acme')).toMatch(/for example acme\.eu\.auth0\.com/);
  });

  it('takes an smtp URL without a password in it', () => {
    expect(profileFieldProblem('smtp_url', 'smtp://it@mail.example.com:587?tls=required')).toBeNull();
    expect(profileFieldProblem('smtp_url', 'smtps://mail.example.com')).toBeNull();
    expect(profileFieldProblem('smtp_url', 'mail.example.com:587')).toMatch(/smtp:\/\/ or smtps:\/\//);
    expect(profileFieldProblem('smtp_url', 'not a url')).toMatch(/as a URL/);
    expect(profileFieldProblem('smtp_url', 'smtp://it:hunter2@mail.example.com')).toMatch(/keychain/);
  });

  it('takes an address, or a name and an address', () => {
    expect(profileFieldProblem('from', 'it@acme.example')).toBeNull();
    expect(profileFieldProblem('from', 'Acme IT <it@acme.example>')).toBeNull();
    // What the engine's parser takes, the form takes: a host without a dot too.
    expect(profileFieldProblem('from', 'noreply@localhost')).toBeNull();
    expect(profileFieldProblem('from', 'it@ acme.example')).toMatch(/Write an address/);
    expect(profileFieldProblem('from', 'Acme IT')).toMatch(/Acme IT <it@acme\.example>/);
    expect(profileFieldProblem('from', '')).toBeNull();
  });
});
