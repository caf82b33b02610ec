/**
 * Invite Desk: mark an invitation accepted at the person's first sign-in (an Auth0 post-login Action).
 *
 * Invite Desk stamps every invited user's app_metadata with
 *   "invitation": { "status": "invited", "batch_id": "b-…", "at": "<when invited>" }
 * This Action turns it into { "status": "accepted", "batch_id": "b-…", "at": "<first sign-in>" } the first
 * time that person signs in, so the tenant itself says who accepted (for rules, reports and other apps),
 * without `invite-desk followup` running with `--mark-accepted`. Either way gives the same shape.
 *
 * Install (Auth0 Dashboard):
 *   1. Actions > Library > Create Action > Build from scratch; name it "Invite Desk: invitation accepted",
 *      trigger "Login / Post Login", runtime Node 22 (or the newest offered).
 *   2. Paste this file as the Action's code. It needs no secret and no npm package. Deploy.
 *   3. Actions > Triggers > post-login: drag the Action into the flow (after any Action that denies
 *      access, so a refused sign-in is not counted) and Apply.
 * With the Auth0 Deploy CLI or Terraform, deploy the same code to the `post-login` trigger.
 *
 * It changes nothing for users Invite Desk did not invite, for those already accepted, for those granted
 * access without an invitation ("granted"), or when a sign-in is denied by an earlier Action.
 */
exports.onExecutePostLogin = async (event, api) => {
  const metadata = event.user.app_metadata || {};
  const invitation = metadata.invitation;
  if (!invitation || typeof invitation !== 'object' || invitation.status !== 'invited') {
    return;
  }
  // app_metadata is merged at its first level only: the whole `invitation` object is written back.
  api.user.setAppMetadata('invitation', {
    ...invitation,
    status: 'accepted',
    at: new Date(event.request && event.request.timestamp ? event.request.timestamp : Date.now()).toISOString(),
  });
};
