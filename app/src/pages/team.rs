//! The owner's team page: who can sign in, with which role; invitations by e-mail; disabling
//! an account that should no longer be used.

use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos_i18n::I18nContext;

use crate::api::team::{cancel_invitation, change_role, invite_member, set_access, team_members};
use crate::components::errors::{FormError, error_text, problem_text};
use crate::components::field::{Field, field_problem};
use crate::components::form_state::FormState;
use crate::i18n::*;
use crate::model::auth::Role;
use crate::model::error::AppError;
use crate::model::team::{InvitationSent, InviteForm, TeamMember};

fn role_label(i18n: I18nContext<Locale>, role: Role) -> String {
    match role {
        Role::Owner => t_string!(i18n, team.roles.owner).to_string(),
        Role::Staff => t_string!(i18n, team.roles.staff).to_string(),
        Role::Support => t_string!(i18n, team.roles.support).to_string(),
    }
}

const ROLES: [Role; 2] = [Role::Staff, Role::Owner];

#[component]
pub fn TeamPage() -> impl IntoView {
    let i18n = use_i18n();
    let version = RwSignal::new(0u32);
    let members = Resource::new(move || version.get(), |_| team_members());
    let refresh = Callback::new(move |()| version.update(|version| *version += 1));
    let invited = RwSignal::new(None::<String>);
    view! {
        <h1>{t!(i18n, team.title)}</h1>
        <Suspense fallback=move || view! { <p class="loading">{t!(i18n, common.loading)}</p> }>
            {move || {
                members
                    .get()
                    .map(|answer| match answer {
                        Err(failure) => view! { <p class="form-error" role="alert">{error_text(i18n, &failure)}</p> }.into_any(),
                        Ok(members) => {
                            view! {
                                <div class="table-wrap">
                                    <table>
                                        <thead>
                                            <tr>
                                                <th scope="col">{t!(i18n, team.name)}</th>
                                                <th scope="col">{t!(i18n, team.email)}</th>
                                                <th scope="col">{t!(i18n, team.role)}</th>
                                                <th scope="col">{t!(i18n, team.status)}</th>
                                                <th scope="col">{t!(i18n, history.actions)}</th>
                                            </tr>
                                        </thead>
                                        <tbody>
                                            {members.into_iter().map(|member| view! { <MemberRow member on_changed=refresh /> }).collect_view()}
                                        </tbody>
                                    </table>
                                </div>
                            }
                            .into_any()
                        }
                    })
            }}
        </Suspense>
        <h2>{t!(i18n, team.invite_title)}</h2>
        <InviteMember on_invited=Callback::new(move |sent: InvitationSent| {
            invited.set(Some(sent.email));
            refresh.run(());
        }) />
        <div role="status">
            {move || invited.get().map(|email| view! { <p class="form-notice">{move || { let email = email.clone(); t_string!(i18n, team.invited, email).to_string() }}</p> })}
        </div>
    }
}

/// Why a change to a member was refused: the member's own problem (their own account, the
/// shop's founder) rather than the generic "fields to correct", since this row has no field.
fn member_refusal(i18n: I18nContext<Locale>, error: Option<AppError>) -> Option<String> {
    let error = error?;
    Some(
        match error.field_errors().and_then(|errors| errors.get("member")) {
            Some(problem) => problem_text(i18n, problem),
            None => error_text(i18n, &error),
        },
    )
}

#[component]
fn MemberRow(member: TeamMember, on_changed: Callback<()>) -> impl IntoView {
    let i18n = use_i18n();
    let id = member.id;
    let role = member.role;
    let active = member.active;
    let name = member.display_name.clone();
    let error = RwSignal::new(None::<AppError>);
    let answer = move |result: Result<TeamMember, AppError>| match result {
        Ok(_) => on_changed.run(()),
        Err(failure) => error.set(Some(failure)),
    };
    let status = move || {
        if !active {
            t_string!(i18n, team.disabled).to_string()
        } else if member.invited {
            t_string!(i18n, team.invitation_sent).to_string()
        } else {
            t_string!(i18n, team.active).to_string()
        }
    };
    let role_name = name.clone();
    let access_name = name.clone();
    let invited = member.invited;
    // Your own role, and an invitation's (cancel and invite again), are not changed here.
    let fixed_role = member.is_you || invited;
    view! {
        <tr class:reversed=!active>
            <td class="keep">{member.display_name.clone()} {member.is_you.then(|| view! { " " <small>{t!(i18n, team.you)}</small> })}</td>
            <td>{member.email.clone()}</td>
            <td class="keep">
                {if fixed_role {
                    view! { <span>{move || role_label(i18n, role)}</span> }.into_any()
                } else {
                    view! {
                        <select
                            aria-label=move || { let name = role_name.clone(); t_string!(i18n, team.role_of, name).to_string() }
                            on:change=move |event| {
                                let chosen = if event_target_value(&event) == Role::Owner.code() { Role::Owner } else { Role::Staff };
                                leptos::task::spawn_local(async move { answer(change_role(id, chosen).await) });
                            }
                        >
                            {ROLES.map(|option| view! { <option value=option.code() selected=option == role>{move || role_label(i18n, option)}</option> }).to_vec()}
                        </select>
                    }
                    .into_any()
                }}
            </td>
            <td class="keep">{status}</td>
            <td class="keep">
                {invited
                    .then(|| {
                        let name = access_name.clone();
                        let label = move || {
                            let name = name.clone();
                            t_string!(i18n, team.cancel_invitation_label, name).to_string()
                        };
                        view! {
                            <button
                                type="button"
                                class="secondary"
                                aria-label=label
                                on:click=move |_| {
                                    leptos::task::spawn_local(async move {
                                        match cancel_invitation(id).await {
                                            Ok(()) => on_changed.run(()),
                                            Err(failure) => error.set(Some(failure)),
                                        }
                                    })
                                }
                            >
                                {t!(i18n, team.cancel_invitation)}
                            </button>
                        }
                    })}
                {(!member.is_you && !invited)
                    .then(|| {
                        let label = move || {
                            let name = access_name.clone();
                            if active {
                                t_string!(i18n, team.disable_label, name).to_string()
                            } else {
                                t_string!(i18n, team.enable_label, name).to_string()
                            }
                        };
                        view! {
                            <button
                                type="button"
                                class="secondary"
                                aria-label=label
                                on:click=move |_| leptos::task::spawn_local(async move { answer(set_access(id, !active).await) })
                            >
                                {move || if active { t_string!(i18n, team.disable) } else { t_string!(i18n, team.enable) }}
                            </button>
                        }
                    })}
                {move || member_refusal(i18n, error.get()).map(|text| view! { <p class="form-error" role="alert">{text}</p> })}
            </td>
        </tr>
    }
}

#[component]
fn InviteMember(on_invited: Callback<InvitationSent>) -> impl IntoView {
    let i18n = use_i18n();
    let email = RwSignal::new(String::new());
    let display_name = RwSignal::new(String::new());
    let role = RwSignal::new(Role::Staff.code().to_owned());
    let form = FormState::new();
    let submit = move |event: SubmitEvent| {
        event.prevent_default();
        let invitation = InviteForm {
            email: email.get_untracked(),
            display_name: display_name.get_untracked(),
            role: role.get_untracked(),
        };
        if let Err(invalid) = invitation.validate() {
            form.error.set(Some(invalid));
            return;
        }
        form.send(
            move || invite_member(invitation),
            move |sent| {
                email.set(String::new());
                display_name.set(String::new());
                on_invited.run(sent);
            },
        );
    };
    let error: Signal<Option<AppError>> = form.error.into();
    view! {
        <form class="narrow" on:submit=submit novalidate>
            <Field id="invite-email" label=move || t!(i18n, team.email) value=email problem=field_problem(error, "email") input_type="email" autocomplete="off" required=true />
            <Field id="invite-name" label=move || t!(i18n, team.name) value=display_name problem=field_problem(error, "display_name") autocomplete="off" required=true />
            <div class="field">
                <label for="invite-role">{t!(i18n, team.role)}</label>
                <select id="invite-role" on:change=move |event| role.set(event_target_value(&event))>
                    {ROLES.map(|option| view! { <option value=option.code() selected=move || role.get() == option.code()>{move || role_label(i18n, option)}</option> }).to_vec()}
                </select>
            </div>
            <FormError error=form.form_error() />
            <div class="actions actions-start">
                <button type="submit" disabled=move || form.saving.get()>{t!(i18n, team.send_invitation)}</button>
            </div>
        </form>
    }
}
