// The words of every email, in English and French. Plain sentences: messages.ts escapes them for HTML.
// A security notice says what changed, when, and what to do if it was not you; it never holds a secret.

export type MailLocale = "en" | "fr";

export interface MailCopy {
  greeting: (name: string) => string;
  notYou: string;
  footer: (org: string) => string;
  enabled: { subject: string; body: string; bodyPasskey: string };
  disabled: { subject: string; body: string };
  /** The authenticator app removed while a passkey still protects the account: two-factor stays on. */
  appRemoved: { subject: string; body: string };
  reset: { subject: string; body: (by: string) => string; unexpected: string };
  passkeyAdded: { subject: string; body: (name: string) => string };
  passkeyRemoved: { subject: string; body: (name: string) => string };
  passwordChanged: { subject: string; body: string };
  recoveryUsed: { subject: string; body: (remaining: number) => string; low: string };
  regenerated: { subject: string; body: string };
  enforcement: { subject: (on: boolean) => string; body: (on: boolean, by: string, org: string) => string };
  pairing: { subject: string; body: (minutes: number) => string; action: string; ignore: string };
  locked: { subject: string; afterPasswords: string; afterCodes: string; advice: string };
  lockedOut: { subject: string; body: string; adminSubject: (who: string) => string; adminBody: (who: string, org: string) => string };
  actors: { operator: string; admin: (label: string) => string; system: string };
  /** Deactivation, removal and sessions ended by an admin: the person concerned is told. */
  people: {
    deactivated: { subject: string; body: (by: string, org: string) => string };
    removed: { subject: string; body: (by: string, org: string) => string };
    signedOut: { subject: string; body: (by: string) => string };
  };
  invite: {
    subject: (org: string) => string;
    body: (by: string, org: string, role: "technician" | "admin", days: number) => string;
    action: string;
    ignore: string;
  };
  verify: { subject: string; body: (days: number) => string; action: string; ignore: string };
  changeLink: { subject: string; body: (hours: number) => string; action: string; ignore: string };
  changeRequested: { subject: string; body: (newEmail: string) => string };
  changed: { subject: string; body: (newEmail: string) => string };
}

export const COPY: Record<MailLocale, MailCopy> = {
  en: {
    greeting: (name) => `Hello ${name},`,
    notYou:
      "If this was not you, sign in and change your password now, then tell your organization's administrator: someone may have access to your account.",
    footer: (org) => `This is an automatic security message from Gatehouse for ${org}.`,
    enabled: {
      subject: "Two-factor authentication is on",
      body: "Two-factor authentication was turned on for your account. From now on, signing in asks for a code from your authenticator app.",
      bodyPasskey:
        "Two-factor authentication was turned on for your account with a passkey. From now on, signing in asks for your passkey.",
    },
    disabled: {
      subject: "Two-factor authentication was turned off",
      body: "Two-factor authentication was turned off for your account. Signing in now needs only your password.",
    },
    appRemoved: {
      subject: "Your authenticator app was removed",
      body: "The authenticator app was removed from your account's two-factor authentication: its codes no longer work. Two-factor authentication stays on with your passkeys and recovery codes.",
    },
    reset: {
      subject: "Your two-factor authentication was reset",
      body: (by) =>
        `Two-factor authentication for your account was reset by ${by}. Your authenticator app, passkeys and recovery codes no longer work, and you were signed out everywhere. Set up two-factor authentication again at your next sign-in.`,
      unexpected:
        "If you did not ask for this, tell your organization's administrator now: someone may be trying to take over your account.",
    },
    passkeyAdded: {
      subject: "A passkey was added to your account",
      body: (name) => `A passkey named "${name}" was added to your account. It can sign you in without your password.`,
    },
    passkeyRemoved: {
      subject: "A passkey was removed from your account",
      body: (name) => `The passkey named "${name}" was removed from your account: it no longer signs you in.`,
    },
    passwordChanged: {
      subject: "Your password was changed",
      body: "The password of your account was changed, and every other browser signed in to it was signed out.",
    },
    recoveryUsed: {
      subject: "A recovery code was used to sign in",
      body: (n) => `A recovery code was just used to sign in to your account. You have ${n} recovery ${n === 1 ? "code" : "codes"} left.`,
      low: "You are running low: generate a new set from your account page.",
    },
    regenerated: {
      subject: "New recovery codes were generated",
      body: "A new set of recovery codes was generated for your account. The previous codes no longer work.",
    },
    enforcement: {
      subject: (on) => (on ? "Two-factor authentication is now required" : "Two-factor authentication is no longer required"),
      body: (on, by, org) =>
        on
          ? `${by} now requires two-factor authentication for everyone in ${org}. Members without it must set it up at their next sign-in.`
          : `${by} turned off the two-factor requirement for ${org}. Members may now disable two-factor authentication.`,
    },
    pairing: {
      subject: "Set up two-factor authentication",
      body: (m) =>
        `Open this link on the device where you want to set up your authenticator app. It works once and expires in ${m} minutes. It does not sign you in.`,
      action: "Set up two-factor authentication",
      ignore: "If you did not ask for this, ignore this email: nothing changes until the setup is confirmed with a code.",
    },
    locked: {
      subject: "Your account was locked after too many attempts",
      afterPasswords:
        "Signing in to your account was blocked for 15 minutes after too many wrong passwords in a row. If that was you, wait and try again.",
      afterCodes:
        "Signing in to your account was blocked for 15 minutes after too many wrong two-factor codes in a row. Whoever typed them knew your password.",
      advice: "If this was not you, change your password now and tell your organization's administrator.",
    },
    lockedOut: {
      subject: "Your account is locked",
      body: "After 100 wrong two-factor codes in a row, signing in to your account is blocked until an administrator of your organization unlocks it. Whoever typed them knew your password.",
      adminSubject: (who) => `${who} is locked out`,
      adminBody: (who, org) =>
        `After 100 wrong two-factor codes in a row, ${who} can no longer sign in to ${org}. Whoever typed them knew that password. Check with them, then unlock the account from the Users page (or reset their two-factor authentication).`,
    },
    actors: { operator: "Gatehouse support", admin: (label) => `an administrator (${label})`, system: "Gatehouse" },
    people: {
      deactivated: {
        subject: "Your account was deactivated",
        body: (by, org) =>
          `Your account in ${org} was deactivated by ${by}. You were signed out everywhere and your API keys no longer work. If you think this is a mistake, contact your organization's administrator.`,
      },
      removed: {
        subject: "Your account was removed",
        body: (by, org) =>
          `Your account in ${org} was removed by ${by}, with its two-factor settings, sessions and API keys. If you think this is a mistake, contact your organization's administrator.`,
      },
      signedOut: {
        subject: "You were signed out everywhere",
        body: (by) => `${by} ended every session of your account: sign in again to continue.`,
      },
    },
    invite: {
      subject: (org) => `You are invited to ${org} on Gatehouse`,
      body: (by, org, role, days) =>
        `${by.charAt(0).toUpperCase()}${by.slice(1)} invited you to join ${org} as ${role === "admin" ? "an administrator" : "a technician"}. Open this link to choose your password. It works once and expires in ${days} days.`,
      action: "Accept the invite",
      ignore: "If you did not expect this, ignore this email: no account is created unless the link is followed.",
    },
    verify: {
      subject: "Confirm your email address",
      body: (days) =>
        `An account was created for you with this email address. Open this link to confirm that it is yours. It works once and expires in ${days} days.`,
      action: "Confirm my email address",
      ignore: "If you do not know why you received this, ignore this email.",
    },
    changeLink: {
      subject: "Confirm your new email address",
      body: (hours) =>
        `You asked to use this address for your Gatehouse account. Open this link to confirm it: nothing changes until you do. It works once and expires in ${hours} hours.`,
      action: "Confirm my new email address",
      ignore: "If you did not ask for this, ignore this email: your account keeps its current address.",
    },
    changeRequested: {
      subject: "A change of your email address was requested",
      body: (to) =>
        `Someone signed in to your account asked to change its email address to ${to}. Nothing changes until the link sent to that address is followed. Ending the session that asked (your Account page lists them), signing out your other sessions, or changing your password cancels it.`,
    },
    changed: {
      subject: "Your email address was changed",
      body: (to) => `The email address of your account is now ${to}. Sign in with it from now on; this address no longer works.`,
    },
  },
  fr: {
    greeting: (name) => `Bonjour ${name},`,
    notYou:
      "Si ce n'était pas vous, connectez-vous et changez votre mot de passe sans attendre, puis prévenez l'administrateur de votre organisation : quelqu'un a peut-être accès à votre compte.",
    footer: (org) => `Ceci est un message de sécurité automatique de Gatehouse pour ${org}.`,
    enabled: {
      subject: "La double authentification est activée",
      body: "La double authentification a été activée sur votre compte. Désormais, la connexion demande un code de votre application d'authentification.",
      bodyPasskey:
        "La double authentification a été activée sur votre compte avec une clé d'accès. Désormais, la connexion demande votre clé d'accès.",
    },
    disabled: {
      subject: "La double authentification a été désactivée",
      body: "La double authentification a été désactivée sur votre compte. La connexion ne demande plus que votre mot de passe.",
    },
    appRemoved: {
      subject: "Votre application d'authentification a été retirée",
      body: "L'application d'authentification a été retirée de la double authentification de votre compte : ses codes ne fonctionnent plus. La double authentification reste active avec vos clés d'accès et vos codes de récupération.",
    },
    reset: {
      subject: "Votre double authentification a été réinitialisée",
      body: (by) =>
        `La double authentification de votre compte a été réinitialisée par ${by}. Votre application d'authentification, vos clés d'accès et vos codes de récupération ne fonctionnent plus, et vous avez été déconnecté partout. Configurez-la à nouveau lors de votre prochaine connexion.`,
      unexpected:
        "Si vous ne l'avez pas demandé, prévenez sans attendre l'administrateur de votre organisation : quelqu'un essaie peut-être de prendre le contrôle de votre compte.",
    },
    passkeyAdded: {
      subject: "Une clé d'accès a été ajoutée à votre compte",
      body: (name) => `Une clé d'accès nommée « ${name} » a été ajoutée à votre compte. Elle peut vous connecter sans votre mot de passe.`,
    },
    passkeyRemoved: {
      subject: "Une clé d'accès a été retirée de votre compte",
      body: (name) => `La clé d'accès nommée « ${name} » a été retirée de votre compte : elle ne vous connecte plus.`,
    },
    passwordChanged: {
      subject: "Votre mot de passe a été modifié",
      body: "Le mot de passe de votre compte a été modifié, et tous les autres navigateurs connectés à ce compte ont été déconnectés.",
    },
    recoveryUsed: {
      subject: "Un code de récupération a servi à vous connecter",
      body: (n) =>
        `Un code de récupération vient d'être utilisé pour vous connecter. Il vous reste ${n} ${n <= 1 ? "code" : "codes"} de récupération.`,
      low: "Il vous en reste peu : générez-en un nouveau jeu depuis la page de votre compte.",
    },
    regenerated: {
      subject: "De nouveaux codes de récupération ont été générés",
      body: "Un nouveau jeu de codes de récupération a été généré pour votre compte. Les anciens codes ne fonctionnent plus.",
    },
    enforcement: {
      subject: (on) => (on ? "La double authentification est désormais obligatoire" : "La double authentification n'est plus obligatoire"),
      body: (on, by, org) =>
        on
          ? `${by} exige désormais la double authentification pour tous les membres de ${org}. Ceux qui ne l'ont pas devront la configurer à leur prochaine connexion.`
          : `${by} a levé l'obligation de double authentification pour ${org}. Les membres peuvent désormais la désactiver.`,
    },
    pairing: {
      subject: "Configurez la double authentification",
      body: (m) =>
        `Ouvrez ce lien sur l'appareil où vous voulez configurer votre application d'authentification. Il ne sert qu'une fois et expire dans ${m} minutes. Il ne vous connecte pas.`,
      action: "Configurer la double authentification",
      ignore: "Si vous n'avez rien demandé, ignorez ce message : rien ne change tant que la configuration n'est pas confirmée par un code.",
    },
    locked: {
      subject: "Votre compte a été bloqué après trop de tentatives",
      afterPasswords:
        "La connexion à votre compte a été bloquée pendant 15 minutes après trop de mots de passe erronés à la suite. Si c'était vous, patientez puis réessayez.",
      afterCodes:
        "La connexion à votre compte a été bloquée pendant 15 minutes après trop de codes de double authentification erronés à la suite. La personne qui les a saisis connaissait votre mot de passe.",
      advice: "Si ce n'était pas vous, changez votre mot de passe sans attendre et prévenez l'administrateur de votre organisation.",
    },
    lockedOut: {
      subject: "Votre compte est verrouillé",
      body: "Après 100 codes de double authentification erronés à la suite, la connexion à votre compte est bloquée jusqu'à ce qu'un administrateur de votre organisation la déverrouille. La personne qui les a saisis connaissait votre mot de passe.",
      adminSubject: (who) => `${who} est verrouillé`,
      adminBody: (who, org) =>
        `Après 100 codes de double authentification erronés à la suite, ${who} ne peut plus se connecter à ${org}. La personne qui les a saisis connaissait ce mot de passe. Vérifiez auprès de la personne, puis déverrouillez le compte depuis la page Utilisateurs (ou réinitialisez sa double authentification).`,
    },
    actors: { operator: "le support Gatehouse", admin: (label) => `un administrateur (${label})`, system: "Gatehouse" },
    people: {
      deactivated: {
        subject: "Votre compte a été désactivé",
        body: (by, org) =>
          `Votre compte dans ${org} a été désactivé par ${by}. Vous avez été déconnecté partout et vos clés d'API ne fonctionnent plus. S'il s'agit d'une erreur, contactez l'administrateur de votre organisation.`,
      },
      removed: {
        subject: "Votre compte a été supprimé",
        body: (by, org) =>
          `Votre compte dans ${org} a été supprimé par ${by}, avec ses réglages de double authentification, ses sessions et ses clés d'API. S'il s'agit d'une erreur, contactez l'administrateur de votre organisation.`,
      },
      signedOut: {
        subject: "Vous avez été déconnecté partout",
        body: (by) => `${by} a mis fin à toutes les sessions de votre compte : reconnectez-vous pour continuer.`,
      },
    },
    invite: {
      subject: (org) => `Vous êtes invité à rejoindre ${org} sur Gatehouse`,
      body: (by, org, role, days) =>
        `${by.charAt(0).toUpperCase()}${by.slice(1)} vous invite à rejoindre ${org} en tant que ${role === "admin" ? "administrateur" : "technicien"}. Ouvrez ce lien pour choisir votre mot de passe. Il ne sert qu'une fois et expire dans ${days} jours.`,
      action: "Accepter l'invitation",
      ignore: "Si vous ne vous y attendiez pas, ignorez ce message : aucun compte n'est créé tant que le lien n'est pas suivi.",
    },
    verify: {
      subject: "Confirmez votre adresse e-mail",
      body: (days) =>
        `Un compte a été créé pour vous avec cette adresse e-mail. Ouvrez ce lien pour confirmer qu'elle est bien la vôtre. Il ne sert qu'une fois et expire dans ${days} jours.`,
      action: "Confirmer mon adresse e-mail",
      ignore: "Si vous ne savez pas pourquoi vous recevez ce message, ignorez-le.",
    },
    changeLink: {
      subject: "Confirmez votre nouvelle adresse e-mail",
      body: (hours) =>
        `Vous avez demandé à utiliser cette adresse pour votre compte Gatehouse. Ouvrez ce lien pour la confirmer : rien ne change tant que vous ne l'avez pas fait. Il ne sert qu'une fois et expire dans ${hours} heures.`,
      action: "Confirmer ma nouvelle adresse",
      ignore: "Si vous n'avez rien demandé, ignorez ce message : votre compte garde son adresse actuelle.",
    },
    changeRequested: {
      subject: "Un changement de votre adresse e-mail a été demandé",
      body: (to) =>
        `Une personne connectée à votre compte a demandé à remplacer son adresse e-mail par ${to}. Rien ne change tant que le lien envoyé à cette adresse n'est pas suivi. Fermer la session qui l'a demandé (votre page Compte les liste), fermer vos autres sessions ou changer votre mot de passe l'annule.`,
    },
    changed: {
      subject: "Votre adresse e-mail a été modifiée",
      body: (to) => `L'adresse e-mail de votre compte est désormais ${to}. Connectez-vous avec elle : cette adresse-ci ne fonctionne plus.`,
    },
  },
};
